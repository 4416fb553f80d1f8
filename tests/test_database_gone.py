"""The database goes away under a running service: a clear 503 in the platform's format, one log line
naming the cause, no stack trace, and nothing half-written (PostgreSQL: the database is dropped)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url


async def test_dropped_database_gives_a_503_in_the_platform_format(sandbox_settings, sandbox_service, caplog):
    if not sandbox_settings.database_url:
        pytest.skip("needs PostgreSQL (SANDBOX_TEST_DATABASE_URL): SQLite files cannot be taken away cleanly")
    client = await sandbox_service("login")
    assert (await client.post("/sandbox/ping")).status_code == 202

    url = make_url(sandbox_settings.database_url)
    admin = await asyncpg.connect(
        url.set(drivername="postgresql", database="postgres").render_as_string(False)
    )
    try:
        await admin.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
    finally:
        await admin.close()

    response = await client.post("/sandbox/ping")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "temporarily_unavailable"  # Acesso GOV.BR's own error format
    assert (
        "banco de dados" in body["erro_description"] and body["error_description"] == body["erro_description"]
    )
    assert response.headers["retry-after"] == "5"
    lines = [
        r.getMessage() for r in caplog.records if "database error on POST /sandbox/ping" in r.getMessage()
    ]
    assert len(lines) == 1 and "nothing was written" in lines[0]
    health = await client.get("/sandbox/health")
    assert health.status_code == 503 and "banco de dados" in health.json()["reason"]
