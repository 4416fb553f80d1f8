"""A template data dir: the services' real first start, made once per test session and copied per test.

A first start makes RSA keys (the sandbox root, the Tramita systems CA and system certificate, the login
signing key, the Tramita TLS and platform keys) and seeds the registry database: about a second of CPU
that every test used to pay again. The template is made by starting every service once, exactly as a
user's first ``govbr-sandbox up`` does; each test gets a copy of its files and of its database (a file
copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).

What a copy must not share with the template is rewritten: the seed's events are re-addressed to the
test's topic namespace and marked undelivered, so the test's own relay publishes them as a first start
would; absolute paths written into JSON files point into the copy.
"""

from __future__ import annotations

import asyncio
import importlib
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from ..serve import server_options
from ..services import SERVICES
from ..settings import Settings
from ..storage import normalize_database_url
from .processes import free_port

TEMPLATE_NAMESPACE = "sbxtemplate"
STARTED_TYPE = "br.gov.sandbox.%.service.started"  # each start emits its own: never copied


def admin_dsn(database_url: str) -> str:
    """A plain ``postgresql://`` DSN (asyncpg's form) for the server holding ``database_url``."""
    url = make_url(normalize_database_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def with_database(database_url: str, name: str) -> str:
    return (
        make_url(normalize_database_url(database_url))
        .set(database=name)
        .render_as_string(hide_password=False)
    )


@dataclass
class DataTemplate:
    directory: Path
    database_url: str | None = None  # the PostgreSQL template database; None: SQLite files in ``directory``
    server_url: str | None = None  # a database on the same server to connect from (one cannot copy or
    # drop the database it is connected to)

    def copy_files(self, data_dir: Path, namespace: str) -> None:
        """Copy the template's files into ``data_dir`` (which must not exist) for a test in ``namespace``."""
        shutil.copytree(self.directory, data_dir, symlinks=True)
        old, new = str(self.directory.resolve()), str(data_dir.resolve())
        for path in data_dir.rglob("*.json"):
            text = path.read_text()
            if old in text:
                path.write_text(text.replace(old, new))
        if self.database_url is None:
            for db in data_dir.glob("*.db"):
                connection = sqlite3.connect(db)
                try:
                    _readdress_sqlite(connection, namespace)
                    connection.commit()
                finally:
                    connection.close()

    async def create_database(self, name: str, namespace: str) -> str:
        """A new PostgreSQL database copied from the template one; returns its URL."""
        assert self.database_url is not None and self.server_url is not None
        template = make_url(self.database_url).database
        admin = await asyncpg.connect(admin_dsn(self.server_url))
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await admin.close()
        url = with_database(self.database_url, name)
        connection = await asyncpg.connect(admin_dsn(url))
        try:
            for table in await _outbox_tables_pg(connection):
                await connection.execute(
                    f'UPDATE "{table}" SET topic = $1 || substr(topic, $2), delivered_at = NULL, attempts = 0',
                    namespace,
                    len(TEMPLATE_NAMESPACE) + 1,
                )
        finally:
            await connection.close()
        return url


async def build_template(
    directory: Path, bootstrap_servers: str, database_url: str | None = None, server_url: str | None = None
) -> DataTemplate:
    """Start every service once on ``directory`` (and ``database_url``), then stop them."""
    settings = Settings.model_validate(
        {
            "data_dir": directory,
            "database_url": database_url,
            "kafka_bootstrap_servers": bootstrap_servers,
            "topic_namespace": TEMPLATE_NAMESPACE,
            **{f"{name}_port": free_port() for name in SERVICES},
        }
    )
    for service in SERVICES.values():
        app = importlib.import_module(service.app_module).create_app(settings)
        async with app.router.lifespan_context(app):
            pass
        server_options(settings, service)  # what `serve` makes besides the lifespan (TLS files)
    if database_url is None:
        _forget_starts_in_files(directory)
    else:
        connection = await asyncpg.connect(admin_dsn(database_url))
        try:
            for table in await _outbox_tables_pg(connection):
                await connection.execute(f'DELETE FROM "{table}" WHERE type LIKE $1', STARTED_TYPE)
        finally:
            await connection.close()
    return DataTemplate(directory, database_url, server_url)


async def create_template_database(database_url: str) -> str:
    name = f"sbx_template_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_dsn(database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return with_database(database_url, name)


async def drop_database(database_url: str, server_url: str) -> None:
    """Drop ``database_url``'s database, connected to ``server_url`` (another database on that server)."""
    name = make_url(database_url).database
    admin = await asyncpg.connect(admin_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def run(coroutine):
    """Run a coroutine from synchronous (session fixture) code."""
    return asyncio.run(coroutine)


def _outbox_tables_sqlite(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_outbox'")
    return [name for (name,) in rows]


async def _outbox_tables_pg(connection: asyncpg.Connection) -> list[str]:
    rows = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%\\_outbox'"
    )
    return [row["tablename"] for row in rows]


def _forget_starts_in_files(directory: Path) -> None:
    for db in directory.glob("*.db"):
        connection = sqlite3.connect(db)
        try:
            for table in _outbox_tables_sqlite(connection):
                connection.execute(f'DELETE FROM "{table}" WHERE type LIKE ?', (STARTED_TYPE,))
            connection.commit()
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()


def _readdress_sqlite(connection: sqlite3.Connection, namespace: str) -> None:
    for table in _outbox_tables_sqlite(connection):
        connection.execute(
            f'UPDATE "{table}" SET topic = ? || substr(topic, ?), delivered_at = NULL, attempts = 0',
            (namespace, len(TEMPLATE_NAMESPACE) + 1),
        )
