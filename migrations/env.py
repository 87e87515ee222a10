"""Alembic environment: the connection comes from :func:`migrations.upgrade` (or ``sqlalchemy.url``,
or ``DSAR_DATABASE_URL`` when run as ``alembic -c migrations/alembic.ini upgrade heads``)."""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _url() -> str:
    from migrations import sqlalchemy_url

    env = os.environ.get("DSAR_DATABASE_URL")
    return sqlalchemy_url(env) if env else config.get_main_option("sqlalchemy.url")


def run_offline() -> None:
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
