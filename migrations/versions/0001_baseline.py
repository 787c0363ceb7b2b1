"""Baseline: the schema of the release before catalogue editing.

Why "create when missing": databases made by that release have these tables (created by
``create_all``) but no ``alembic_version``; this revision adopts them as they are, and creates
them in a fresh database. The tables are written out here as they were then, never imported.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _tables(meta: sa.MetaData) -> None:
    sa.Table("kb_source_state", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("content_hash", sa.String(64), nullable=False),
             sa.Column("loaded_at", sa.DateTime, nullable=False),
             sa.Column("entry_count", sa.Integer, nullable=False),
             sa.Column("profile_count", sa.Integer, nullable=False),
             sa.Column("helpline_count", sa.Integer, nullable=False))
    sa.Table("kb_entries", meta,
             sa.Column("id", sa.String(100), primary_key=True),
             sa.Column("position", sa.Integer, nullable=False),
             sa.Column("topic", sa.String(60), nullable=False, index=True),
             sa.Column("title", sa.Text, nullable=False),
             sa.Column("main", sa.Boolean, nullable=False),
             sa.Column("upl_name", sa.Text), sa.Column("upl_uri", sa.Text),
             sa.Column("source_file", sa.Text, nullable=False),
             sa.Column("data", sa.JSON, nullable=False))
    sa.Table("kb_profiles", meta,
             sa.Column("slug", sa.String(60), primary_key=True),
             sa.Column("name", sa.Text, nullable=False),
             sa.Column("is_default", sa.Boolean, nullable=False),
             sa.Column("source_file", sa.Text, nullable=False),
             sa.Column("data", sa.JSON, nullable=False))
    sa.Table("kb_helplines", meta,
             sa.Column("key", sa.String(60), primary_key=True),
             sa.Column("position", sa.Integer, nullable=False),
             sa.Column("name", sa.Text, nullable=False),
             sa.Column("number", sa.String(40)),
             sa.Column("data", sa.JSON, nullable=False))
    sa.Table("kcc_tickets", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
             sa.Column("episode", sa.Integer, nullable=False),
             sa.Column("channel", sa.String(32), nullable=False),
             sa.Column("municipality", sa.String(64), nullable=False),
             sa.Column("topic", sa.String(64)), sa.Column("ladder_rung", sa.String(32)),
             sa.Column("summary", sa.Text, nullable=False),
             sa.Column("urgency", sa.String(16), nullable=False),
             sa.Column("mode", sa.String(16), nullable=False),
             sa.Column("contact_preference", sa.String(16)),
             sa.Column("consent", sa.Boolean, nullable=False),
             sa.Column("contact_value", sa.String(255)),
             sa.Column("reason", sa.String(32), nullable=False),
             sa.Column("status", sa.String(16), nullable=False),
             sa.Column("staff", sa.String(64)), sa.Column("staff_name", sa.String(128)),
             sa.Column("outcome", sa.String(64)),
             sa.Column("created_at", sa.DateTime, nullable=False),
             sa.Column("updated_at", sa.DateTime, nullable=False),
             sa.Column("claimed_at", sa.DateTime), sa.Column("answered_at", sa.DateTime),
             sa.Column("closed_at", sa.DateTime), sa.Column("external_ref", sa.String(255)),
             sa.UniqueConstraint("conversation_id", "episode", name="uq_kcc_ticket_episode"),
             sa.Index("ix_kcc_tickets_status", "status"), sqlite_autoincrement=True)
    sa.Table("kcc_outbox", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("ticket_id", sa.Integer, sa.ForeignKey("kcc_tickets.id"), nullable=False),
             sa.Column("backend", sa.String(32), nullable=False),
             sa.Column("attempts", sa.Integer, nullable=False),
             sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
             sa.Column("last_error", sa.Text), sa.Column("progress", sa.Text, nullable=False),
             sa.Column("delivered_at", sa.DateTime),
             sa.Column("created_at", sa.DateTime, nullable=False),
             sa.UniqueConstraint("ticket_id", "backend", name="uq_kcc_outbox_ticket"),
             sqlite_autoincrement=True)
    sa.Table("kcc_staff", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("username", sa.String(64), nullable=False, unique=True),
             sa.Column("name", sa.String(128), nullable=False),
             sa.Column("password_hash", sa.String(255), nullable=False),
             sa.Column("active", sa.Boolean, nullable=False),
             sa.Column("created_at", sa.DateTime, nullable=False), sqlite_autoincrement=True)
    sa.Table("kcc_staff_access", meta,
             sa.Column("staff_id", sa.Integer, sa.ForeignKey("kcc_staff.id"), primary_key=True),
             sa.Column("municipality", sa.String(64), primary_key=True),
             sa.Column("role", sa.String(16), nullable=False))
    sa.Table("kcc_sessions", meta,
             sa.Column("id_hash", sa.String(64), primary_key=True),
             sa.Column("staff_id", sa.Integer, sa.ForeignKey("kcc_staff.id"), nullable=False),
             sa.Column("csrf_token", sa.String(64), nullable=False),
             sa.Column("created_at", sa.DateTime, nullable=False),
             sa.Column("expires_at", sa.DateTime, nullable=False, index=True))
    sa.Table("kcc_presence", meta,
             sa.Column("staff_id", sa.Integer, sa.ForeignKey("kcc_staff.id"), primary_key=True),
             sa.Column("last_seen", sa.DateTime, nullable=False, index=True))
    sa.Table("kcc_login_attempts", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("username", sa.String(64), nullable=False),
             sa.Column("ip", sa.String(64), nullable=False),
             sa.Column("at", sa.DateTime, nullable=False),
             sa.Index("ix_kcc_login_attempts_key", "username", "ip", "at"))
    sa.Table("kcc_audit", meta,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", sa.DateTime, nullable=False, index=True),
             sa.Column("staff", sa.String(64), nullable=False),
             sa.Column("action", sa.String(64), nullable=False),
             sa.Column("conversation_id", sa.String(255), index=True),
             sa.Column("ticket_id", sa.Integer), sa.Column("detail", sa.Text))


def upgrade() -> None:
    meta = sa.MetaData()
    _tables(meta)
    meta.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    raise NotImplementedError("the baseline is never undone: it holds tickets and accounts")
