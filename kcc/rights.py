"""The resident's rights (AVG art. 15 inzage, art. 17 verwijdering) from the staff console.

Why on top of kcc/retention: the CLI (`python -m kcc.retention export|delete`) and the console
must export and delete exactly the same data (Rasa's tracker events and the KCC tickets) and
audit it the same way. So the console only adds what a web form needs: a checked conversation id,
a look at what is stored before acting (unknown conversation = a clear message, and no audit row
for an action that did nothing), and a safe download file name.

Like kcc/retention, this reads TRACKER_STORE_URL and DATABASE_URL from the environment; the
console process is started with the same values (scripts/env.sh).
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, FrozenSet, Optional, Set

import sqlalchemy as sa

from kcc import retention
from kcc.db import get_engine
from kcc.models import Ticket

MAX_ID_LENGTH = 255  # Rasa's events.sender_id column is VARCHAR(255)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_id(raw: Any) -> Optional[str]:
    """The conversation id from a form field, or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    value = raw.strip()
    if not value or len(value) > MAX_ID_LENGTH or _CONTROL.search(value):
        return None
    return value


def stored_counts(conversation_id: str) -> Dict[str, int]:
    """How many tracker events and tickets are stored for this conversation (no audit: no data)."""
    counts = {"events": 0, "tickets": 0}
    engine = retention.tracker_engine()
    try:
        if sa.inspect(engine).has_table("events"):
            with engine.connect() as conn:
                counts["events"] = conn.execute(
                    sa.select(sa.func.count()).select_from(retention.EVENTS).where(
                        retention.EVENTS.c.sender_id == conversation_id)).scalar_one()
    finally:
        engine.dispose()
    with get_engine().connect() as conn:
        counts["tickets"] = conn.execute(
            sa.select(sa.func.count()).select_from(Ticket).where(
                Ticket.conversation_id == conversation_id)).scalar_one()
    return counts


def municipalities_of(conversation_id: str, default: str) -> FrozenSet[str]:
    """The municipalities a conversation belongs to: of its tickets and of its ``municipality``
    slot (actions/common.py), else the deployment's default.

    Why both: in a region one console serves several municipalities, and a staff member may
    export or delete only a conversation of their own; a conversation without a ticket is known
    by its slot, one stored before tenants existed by neither (so it is the default's).
    """
    found: Set[str] = set()
    engine = retention.tracker_engine()
    try:
        if sa.inspect(engine).has_table("events"):
            with engine.connect() as conn:
                rows = conn.execute(sa.select(retention.EVENTS.c.data).where(
                    retention.EVENTS.c.sender_id == conversation_id,
                    retention.EVENTS.c.type_name == "slot",
                    retention.EVENTS.c.data.like('%"municipality"%')))
                for (data,) in rows:
                    event = json.loads(data)
                    if event.get("name") == "municipality" and isinstance(event.get("value"), str):
                        found.add(event["value"])
    finally:
        engine.dispose()
    with get_engine().connect() as conn:
        found.update(conn.execute(sa.select(Ticket.municipality).where(
            Ticket.conversation_id == conversation_id).distinct()).scalars())
    return frozenset(found) or frozenset({default})


def export_json(conversation_id: str, staff: str) -> bytes:
    """Everything stored for the conversation as a UTF-8 JSON document (audited by retention)."""
    data = retention.export_conversation(conversation_id, staff)
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def delete(conversation_id: str, staff: str) -> Dict[str, int]:
    """Delete events and tickets of the conversation (audited by retention); returns the counts."""
    return retention.delete_conversation(conversation_id, staff)


def download_name(conversation_id: str) -> str:
    """A file name that is safe in a Content-Disposition header, whatever the id contains."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", conversation_id).strip("._")[:80]
    return f"gesprek-{safe or 'onbekend'}.json"
