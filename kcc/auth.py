"""Staff accounts, login sessions and login rate limiting for the console.

Why server-side sessions: logging out or disabling an account must take effect at once, and a
stolen database must not yield usable cookies, so only the SHA-256 of the cookie value is stored.
Passwords are hashed with Argon2id (argon2-cffi defaults).

Why a delay and not a lock: a lock after a few wrong passwords lets anyone lock a staff member
out of the console by typing their username. So failures per account only slow down the next
attempt (a delay that doubles, with a ceiling), and the right password always gets in, from any
address. Guessing across many usernames (password spraying) is limited per client address,
which behind a reverse proxy comes from a trusted proxy's ``X-Forwarded-For``.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import FrozenSet, Iterable, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from kcc.db import get_engine, session_factory
from kcc.models import ROLES, LoginAttempt, Presence, Staff, StaffAccess, StaffSession, utcnow

MIN_PASSWORD_LENGTH = 10


class RateLimited(Exception):
    """Too many failed logins from this address, across usernames (password spraying)."""


@dataclass(frozen=True)
class Login:
    """A valid session: who is logged in, and the CSRF token for their forms."""

    staff_id: int
    username: str
    name: str
    csrf_token: str
    #: (municipality, role) pairs: where this staff member works, and as what.
    access: Tuple[Tuple[str, str], ...] = ()

    @property
    def municipalities(self) -> FrozenSet[str]:
        """The municipalities whose conversations, tickets and catalogue this login may see."""
        return frozenset(municipality for municipality, _ in self.access)

    def can(self, role: str, municipality: Optional[str] = None) -> bool:
        """Has at least ``role`` in ``municipality`` (or, without one, in any municipality)."""
        need = role_rank(role)
        return any(role_rank(has) >= need for where, has in self.access
                   if municipality is None or where == municipality)

    def where(self, role: str) -> FrozenSet[str]:
        """The municipalities in which this login has at least ``role``."""
        return frozenset(m for m, _ in self.access if self.can(role, m))


def role_rank(role: str) -> int:
    """Position in :data:`kcc.models.ROLES`; each role includes the rights of the lower ones."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"Onbekende rol {role!r}; kies uit {', '.join(ROLES)}.") from None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAuth:
    def __init__(self, database_url: Optional[str] = None, session_minutes: int = 480,
                 free_attempts: int = 3, max_delay_seconds: float = 30.0,
                 address_limit: int = 30, window_minutes: int = 15,
                 hasher: Optional[PasswordHasher] = None,
                 default_municipality: str = "het-hogeland") -> None:
        self._session = session_factory(get_engine(database_url))
        # Accounts made before roles existed have no access rows: they keep what they could do
        # then (handle the conversations of the one municipality the deployment served).
        self.default_municipality = default_municipality
        self.session_minutes = session_minutes
        self.free_attempts = free_attempts
        self.max_delay_seconds = max_delay_seconds
        self.address_limit = address_limit
        self.window = timedelta(minutes=window_minutes)
        self._hasher = hasher or PasswordHasher()  # tests pass cheaper parameters
        self._dummy_hash: Optional[str] = None

    # -- accounts -------------------------------------------------------------------------
    def create_staff(self, username: str, password: str, name: Optional[str] = None,
                     role: str = "kcc", municipalities: Iterable[str] = ()) -> Staff:
        """A new account with ``role`` in each of ``municipalities`` (default: the deployment's)."""
        username = username.strip().lower()
        if not username or len(username) > 64:
            raise ValueError("Gebruikersnaam is verplicht (maximaal 64 tekens).")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"Wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben.")
        role_rank(role)
        places = [m.strip().lower() for m in municipalities if m.strip()] or [
            self.default_municipality]
        with self._session() as s, s.begin():
            if s.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none():
                raise ValueError(f"Gebruiker {username!r} bestaat al.")
            staff = Staff(username=username, name=(name or username).strip(),
                          password_hash=self._hasher.hash(password))
            s.add(staff)
            s.flush()
            for municipality in dict.fromkeys(places):
                s.add(StaffAccess(staff_id=staff.id, municipality=municipality, role=role))
        return staff

    def grant(self, username: str, municipality: str, role: str) -> None:
        """Give (or change) a staff member's role in a municipality."""
        role_rank(role)
        municipality = municipality.strip().lower()
        with self._session() as s, s.begin():
            staff = s.execute(select(Staff).where(
                Staff.username == username.strip().lower())).scalar_one_or_none()
            if staff is None:
                raise ValueError(f"Gebruiker {username!r} bestaat niet.")
            row = s.get(StaffAccess, (staff.id, municipality))
            if row is None:
                s.add(StaffAccess(staff_id=staff.id, municipality=municipality, role=role))
            else:
                row.role = role

    def revoke(self, username: str, municipality: str) -> None:
        """Take away a staff member's access to a municipality."""
        with self._session() as s, s.begin():
            staff = s.execute(select(Staff).where(
                Staff.username == username.strip().lower())).scalar_one_or_none()
            if staff is not None:
                s.execute(delete(StaffAccess).where(
                    StaffAccess.staff_id == staff.id,
                    StaffAccess.municipality == municipality.strip().lower()))

    def access_of(self, staff_id: int) -> Tuple[Tuple[str, str], ...]:
        """(municipality, role) pairs of a staff member, sorted for a stable display."""
        with self._session() as s:
            rows = s.execute(select(StaffAccess.municipality, StaffAccess.role).where(
                StaffAccess.staff_id == staff_id).order_by(StaffAccess.municipality)).all()
        return tuple((m, r) for m, r in rows) or ((self.default_municipality, "kcc"),)

    # -- login ----------------------------------------------------------------------------
    def delay_seconds(self, username: str, now: Optional[datetime] = None) -> float:
        """How long the next attempt for this account waits before it is checked.

        0 for the first ``free_attempts`` failures in the window, then 1, 2, 4 ... seconds, up to
        ``max_delay_seconds``: a guesser gets a few tries a minute, a colleague who mistyped waits
        a moment, and nobody is locked out.
        """
        now = now or utcnow()
        with self._session() as s:
            failures = s.execute(select(func.count(LoginAttempt.id)).where(
                LoginAttempt.username == username.strip().lower()[:64],
                LoginAttempt.at > now - self.window)).scalar_one()
        extra = failures - self.free_attempts
        return 0.0 if extra < 0 else min(float(2 ** min(extra, 16)), self.max_delay_seconds)

    def authenticate(self, username: str, password: str, ip: str,
                     now: Optional[datetime] = None) -> Optional[Staff]:
        """The staff member, or None for a wrong name/password.

        Raises RateLimited when this address has failed for many usernames in the window; the
        caller waits :meth:`delay_seconds` before calling this (see the module docstring).
        """
        now = now or utcnow()
        username = username.strip().lower()[:64]
        with self._session() as s, s.begin():
            from_address = s.execute(select(func.count(LoginAttempt.id)).where(
                LoginAttempt.ip == ip, LoginAttempt.at > now - self.window)).scalar_one()
            if from_address >= self.address_limit:
                raise RateLimited()
            staff = s.execute(select(Staff).where(Staff.username == username,
                                                  Staff.active.is_(True))).scalar_one_or_none()
            if self._verify(staff.password_hash if staff else None, password):
                s.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
                return staff
            s.add(LoginAttempt(username=username, ip=ip, at=now))
            return None

    def _verify(self, stored: Optional[str], password: str) -> bool:
        """Constant work whether or not the user exists (no username probing by timing)."""
        if stored is None and self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_hex(8))
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    # -- sessions -------------------------------------------------------------------------
    def start_session(self, staff: Staff) -> str:
        """Creates a session; returns the random cookie value (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self._session() as s, s.begin():
            s.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
            s.add(StaffSession(id_hash=_hash_token(token), staff_id=staff.id,
                               csrf_token=secrets.token_urlsafe(32), created_at=now,
                               expires_at=now + timedelta(minutes=self.session_minutes)))
        return token

    def lookup(self, token: Optional[str]) -> Optional[Login]:
        if not token:
            return None
        with self._session() as s:
            row = s.execute(select(StaffSession, Staff)
                            .join(Staff, Staff.id == StaffSession.staff_id)
                            .where(StaffSession.id_hash == _hash_token(token),
                                   StaffSession.expires_at > utcnow(),
                                   Staff.active.is_(True))).first()
        if row is None:
            return None
        sess, staff = row
        return Login(staff_id=staff.id, username=staff.username, name=staff.name,
                     csrf_token=sess.csrf_token, access=self.access_of(staff.id))

    def end_session(self, token: Optional[str]) -> None:
        if token:
            login = self.lookup(token)
            with self._session() as s, s.begin():
                s.execute(delete(StaffSession).where(StaffSession.id_hash == _hash_token(token)))
                if login is not None:  # logged out: no longer there to take a chat
                    s.execute(delete(Presence).where(Presence.staff_id == login.staff_id))

    def seen(self, staff_id: int, now: Optional[datetime] = None) -> None:
        """Record that this staff member uses the console now (at most one write a minute)."""
        now = now or utcnow()
        with self._session() as s, s.begin():
            row = s.get(Presence, staff_id)
            if row is None:
                s.add(Presence(staff_id=staff_id, last_seen=now))
            elif row.last_seen < now - timedelta(seconds=60):
                row.last_seen = now
