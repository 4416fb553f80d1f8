"""pytest fixtures for testing against a real sandbox: a real broker, a real database, real services.

Installed with the package as the ``govbr_sandbox`` pytest plugin, so QA suites get them too:

- ``sandbox_kafka``: bootstrap servers of a broker shared by the session (embedded Tansu on a free
  port, or ``KAFKA_BOOTSTRAP_SERVERS`` when set).
- ``sandbox_database_url``: a fresh database per test; SQLite, plus PostgreSQL when
  ``SANDBOX_TEST_DATABASE_URL`` is set (tests using it run once per backend).
- ``sandbox_settings``: settings for one test: its own data dir, database and topic namespace.
- ``sandbox_service``: ``await sandbox_service("login")`` → an httpx client on the app, in-process.
- ``sandbox_process``: ``sandbox_process("login")`` → the service as a real process on a free port.
- ``sandbox_events``: ``await sandbox_events.wait_for(type=..., match=..., timeout=...)``.
- ``sandbox_faults``: fault rules and the virtual clock of an ente (``add``, ``advance_clock``), undone after.
"""

from __future__ import annotations

import importlib
import os
import uuid
from contextlib import AsyncExitStack

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from ..broker import EmbeddedBroker
from ..services import resolve_service
from ..settings import Settings
from ..storage import normalize_database_url
from .events import EventsHelper
from .faults import sandbox_faults  # noqa: F401  (re-exported fixture)
from .processes import ServiceProcess, free_port

TEST_DATABASE_ENV = "SANDBOX_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(TEST_DATABASE_ENV) else ["sqlite"]


@pytest.fixture(scope="session")
def sandbox_kafka():
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    broker = EmbeddedBroker("127.0.0.1", free_port())
    broker.start()
    try:
        yield broker.bootstrap_servers
    finally:
        broker.stop()


@pytest.fixture(params=_backends())
async def sandbox_database_url(request):
    """None for SQLite (one file per service in the test's data dir), or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    base = make_url(normalize_database_url(os.environ[TEST_DATABASE_ENV]))
    name = f"sbx_{uuid.uuid4().hex[:12]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
def sandbox_settings(tmp_path, sandbox_kafka, sandbox_database_url) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=sandbox_database_url,
        kafka_bootstrap_servers=sandbox_kafka,
        topic_namespace=f"t{uuid.uuid4().hex[:10]}",
        registry_port=free_port(),
        login_port=free_port(),
        assinatura_port=free_port(),
        tramita_port=free_port(),
        console_port=free_port(),
    )


@pytest.fixture
async def sandbox_events(sandbox_settings):
    helper = await EventsHelper(sandbox_settings.bootstrap_servers, sandbox_settings.topic_namespace).start()
    try:
        yield helper
    finally:
        await helper.stop()


@pytest.fixture
async def sandbox_service(sandbox_settings):
    """Start service apps in-process (lifespan included) and hand back httpx clients on them."""
    async with AsyncExitStack() as stack:

        async def start(name: str, settings: Settings | None = None) -> httpx.AsyncClient:
            service = resolve_service(name)
            module = importlib.import_module(f"{service.package}.app")
            app = module.create_app(settings or sandbox_settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{service.name}.sandbox.test"
            )
            client.app = app  # type: ignore[attr-defined]
            await stack.enter_async_context(client)
            return client

        yield start


@pytest.fixture
def sandbox_process(sandbox_settings, tmp_path):
    started: list[ServiceProcess] = []

    def start(name: str, settings: Settings | None = None) -> ServiceProcess:
        proc = ServiceProcess(name, settings or sandbox_settings, tmp_path / f"{name}.log")
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()
