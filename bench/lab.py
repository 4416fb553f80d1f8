"""Time to create a Capacita lab: ``POST /sandbox/registry/labs`` for N trainees on a real registry process.

    python bench/lab.py [--trainees 100] [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Each trainee costs an ente, its API key, two OAuth clients, a Tramita certificate (an RSA-2048 key pair),
three personas and ~9 units, all in one transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
import uuid

import asyncpg
import httpx
from sqlalchemy.engine import make_url
from stack import sandbox_stack

from sandbox_kernel.storage import normalize_database_url


@contextlib.contextmanager
def scratch_database(url: str | None):
    """A throw-away PostgreSQL database next to the one given, so the bench leaves nothing behind."""
    if not url:
        yield None
        return
    base = make_url(normalize_database_url(url))
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trainees", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with (
        scratch_database(args.database_url) as database_url,
        sandbox_stack("registry", database_url=database_url) as stack,
    ):
        start = time.perf_counter()
        response = httpx.post(
            f"{stack.url('registry')}/sandbox/registry/labs",
            json={"nome": "bench", "trainees": args.trainees},
            headers={"Authorization": f"Bearer {stack.admin_token}"},
            timeout=600,
        )
        elapsed = time.perf_counter() - start
        response.raise_for_status()
        size = len(json.dumps(response.json()))
    backend = "postgresql" if args.database_url else "sqlite"
    print(
        f"lab create --trainees {args.trainees} ({backend}): {elapsed:.1f} s total, "
        f"{elapsed / args.trainees * 1000:.0f} ms per trainee, hand-out {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    os.environ.setdefault("SANDBOX_LOG_LEVEL", "warning")
    main()
