"""Alembic environment of the assistant's database (catalogue and contact-centre tables).

Why no metadata import: a migration describes the schema as it was when it was written, so the
scripts in versions/ define their own tables and never import the current models.
Run `python -m knowledge migrate` (or `alembic upgrade head` in the repo root); `python -m
knowledge load` and `make knowledge` run it first.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine


def _url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from knowledge.settings import database_url

    return database_url()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), future=True)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
