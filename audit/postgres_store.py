"""Where :func:`audit.trail.open_trail` looks for the PostgreSQL store; it lives in :mod:`audit.pg_store`."""
from .pg_store import PostgresStore

__all__ = ["PostgresStore"]
