"""Catalogue editing: versions of each municipality's local layer (drafts, published, withdrawn).

Revision ID: 0002_catalogue_versions
Revises: 0001_baseline
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_catalogue_versions"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_layer_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("base_number", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("municipality", "number", name="uq_kb_layer_number"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("kb_layer_versions")
