"""Real PostgreSQL and Redis for the scale-out tests: one database per test (named for this session and
dropped at its end) and one Redis key prefix per session. Tests skip, saying why, when a service is away."""
from __future__ import annotations

import itertools
import os
import secrets

import pytest

PG_ADMIN = os.environ.get("DSAR_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("DSAR_TEST_REDIS", "redis://127.0.0.1:6379")
SESSION = secrets.token_hex(4)


@pytest.fixture(scope="session")
def pg_admin():
    """An autocommit admin connection; skips the module when PostgreSQL is not reachable."""
    try:
        import psycopg

        conn = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except Exception as e:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {e}")
    created: list[str] = []
    yield conn, created
    for name in created:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


_counter = itertools.count(1)


@pytest.fixture
def pg_url(pg_admin) -> str:
    """A new empty database ``dsar_test_<session>_<n>`` (dropped when the session ends)."""
    conn, created = pg_admin
    name = f"dsar_test_{SESSION}_{next(_counter)}"
    conn.execute(f'CREATE DATABASE "{name}"')
    created.append(name)
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def redis_base() -> str:
    """A Redis database chosen for this session (the emptiest of 1-15) and a unique key prefix."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS + "/0", socket_connect_timeout=3)
        client.ping()
    except Exception as e:
        pytest.skip(f"Redis not reachable at {REDIS}: {e}")
    sizes = {db: redis.Redis.from_url(f"{REDIS}/{db}").dbsize() for db in range(1, 16)}
    db = min(sizes, key=lambda d: (sizes[d], d))
    url = f"{REDIS}/{db}"
    yield url
    prefix = f"dsar-test-{SESSION}:"
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i:i + 500])


@pytest.fixture
def redis_env(redis_base, monkeypatch) -> dict:
    """Environment for this test's broker, queue, leases and quota buckets (unique prefix and queue)."""
    tag = secrets.token_hex(3)
    env = {"DSAR_BROKER_URL": redis_base, "DSAR_REDIS_PREFIX": f"dsar-test-{SESSION}:{tag}:",
           "DSAR_QUEUE": f"dsar-test-{SESSION}-{tag}"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env
