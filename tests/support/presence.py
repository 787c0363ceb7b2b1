"""A staff member who is available in the console, for tests that need a live takeover.

Why: the assistant offers a live chat only when someone is available (kcc.presence); a test that
asks for a person and expects the takeover first makes someone available, as a worker would by
opening the console.
"""
from __future__ import annotations

from argon2 import PasswordHasher

from kcc.auth import StaffAuth
from kcc.presence import PresenceBoard

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_available(database_url: str, username: str = "dienst", name: str = "Dienst",
                   municipality: str = "het-hogeland") -> int:
    """Creates the account when missing; marks it available and seen now; returns its id."""
    auth = StaffAuth(database_url, hasher=CHEAP_HASHER, default_municipality=municipality)
    try:
        staff_id = auth.create_staff(username, "een lang testwachtwoord", name,
                                     municipalities=[municipality]).id
    except ValueError:  # exists already
        from sqlalchemy import select

        from kcc.models import Staff

        with auth._session() as s:  # noqa: SLF001 - test helper
            staff_id = s.execute(select(Staff.id).where(Staff.username == username)).scalar_one()
    auth.seen(staff_id)
    PresenceBoard(database_url, municipality).set_status(staff_id, "available")
    return staff_id
