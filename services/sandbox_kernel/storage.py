"""Async SQLAlchemy storage: one SQLite file per service by default, PostgreSQL by setting.

Each service owns its tables. With a shared PostgreSQL database the services keep apart by table
name prefix (``login_outbox``, ``registry_entes`` ...), so one ``SANDBOX_DATABASE_URL`` serves all four.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from .errors import SandboxConfigError
from .settings import Settings


def normalize_database_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``postgresql://``) and pick the async driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise SandboxConfigError("SANDBOX_DATABASE_URL", f"URL inválida ({exc})") from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise SandboxConfigError(
            "SANDBOX_DATABASE_URL", f"banco {backend!r} não suportado; use postgresql ou sqlite"
        )
    return parsed.render_as_string(hide_password=False)


def ensure_data_dir(settings: Settings) -> Path:
    path = settings.data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
        # Each process probes with its own file: services starting together must not race on one name.
        probe = path / f".write-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise SandboxConfigError(
            "SANDBOX_DATA_DIR", f"não é possível escrever em {path} ({exc.strerror})"
        ) from None
    return path


def service_database_url(settings: Settings, service: str) -> str:
    if settings.database_url:
        return normalize_database_url(settings.database_url)
    data_dir = ensure_data_dir(settings)
    return f"sqlite+aiosqlite:///{(data_dir / f'{service}.db').resolve()}"


def backend_name(url: str) -> str:
    return make_url(url).get_backend_name()


class Database:
    """Engine + session factory for one service."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.backend = backend_name(url)
        kwargs: dict = {}
        if self.backend == "postgresql":
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer. Queueing writers here, in order, beats SQLite's busy handler, whose
        # sleeps turn contention into second-long tails; PostgreSQL needs no such thing.
        self._write_lock = asyncio.Lock() if self.backend == "sqlite" else None

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    async def create_schema(self, metadata: MetaData) -> None:
        """Create missing tables; safe to run on every start."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all, checkfirst=True)

    async def add_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add the columns a newer release uses to a table an older one created (``create_schema`` never
        alters a table). ``columns`` maps each name to its DDL type; nullable, so old rows read as NULL."""
        async with self.engine.begin() as conn:
            present = await conn.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns(table)})
            for name, ddl in columns.items():
                if name not in present:
                    if self.backend == "sqlite" and ddl.startswith("TIMESTAMP"):
                        ddl = "TIMESTAMP"
                    await conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN {name} {ddl}'))

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the relay read while a request writes; NORMAL sync is durable across process crashes.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def check_database(url: str) -> None:
    """Fail with one clear line when the configured database cannot be reached."""
    db = Database(url)
    try:
        await db.ping()
    except Exception as exc:  # any driver error means the same thing to the user
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SandboxConfigError("SANDBOX_DATABASE_URL", f"não foi possível conectar ({detail})") from None
    finally:
        await db.dispose()


def dml_result(result: Result[Any]) -> CursorResult[Any]:
    """The result of an INSERT/UPDATE/DELETE, with ``rowcount`` and ``inserted_primary_key``: SQLAlchemy
    returns a CursorResult there, but its async session types every result as a plain Result."""
    return cast(CursorResult[Any], result)
