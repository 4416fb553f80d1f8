"""pytest fixtures for testing against a real sandbox: a real broker, a real database, real services.

Installed with the package as the ``govbr_sandbox`` pytest plugin, so QA suites get them too:

- ``sandbox_kafka``: bootstrap servers of a broker shared by the session (embedded Tansu on a free
  port, or ``KAFKA_BOOTSTRAP_SERVERS`` when set).
- ``sandbox_database_url``: ``None`` (SQLite files in the test's data dir) or, for tests marked
  ``@pytest.mark.storage`` when ``SANDBOX_TEST_DATABASE_URL`` is set, also a fresh PostgreSQL database
  (those tests run once per backend).
- ``sandbox_settings``: settings for one test: its own data dir, database, ports and topic namespace.
  The data dir starts as a copy of a session-wide template made by the services' real first start
  (PKI, seeded registry); ``@pytest.mark.sandbox_fresh`` gives an empty one instead.
- ``sandbox_service``: ``await sandbox_service("login")`` → an httpx client on the app, in-process.
- ``sandbox_server``: ``sandbox_server("registry")`` → the app on its port, real HTTP, in a thread.
- ``sandbox_process``: ``sandbox_process("login")`` → the service as a real process on a free port
  (for tests whose subject is the process: crashes, signals, the CLI).
- ``sandbox_events``: ``await sandbox_events.wait_for(type=..., match=..., timeout=...)``.
- ``sandbox_browser``: a fresh Playwright browser context (locale pt-BR) in the session's one headless
  Chromium: ``page = await sandbox_browser.new_page()``.
- ``sandbox_faults``: fault rules and the virtual clock of an ente (``add``, ``advance_clock``), undone after.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from ..broker import EmbeddedBroker
from ..services import SERVICES, resolve_service
from ..settings import Settings
from .browser import SessionChromium
from .events import EventsHelper
from .faults import sandbox_faults  # noqa: F401  (re-exported fixture)
from .processes import ServiceProcess, free_port
from .servers import ServerThread
from .templates import (
    DataTemplate,
    build_template,
    create_template_database,
    drop_database,
)

TEST_DATABASE_ENV = "SANDBOX_TEST_DATABASE_URL"
STORAGE_MARK = "storage"
FRESH_MARK = "sandbox_fresh"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{STORAGE_MARK}: a storage test: with {TEST_DATABASE_ENV} set it runs on PostgreSQL as well as SQLite",
    )
    config.addinivalue_line(
        "markers", f"{FRESH_MARK}: the test's data dir starts empty (a first start), not from the template"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sandbox_database_url" not in metafunc.fixturenames:
        return
    backends = ["sqlite"]
    if os.environ.get(TEST_DATABASE_ENV) and metafunc.definition.get_closest_marker(STORAGE_MARK):
        backends.append("postgresql")
    metafunc.parametrize("sandbox_database_url", backends, indirect=True)


def _in_thread(coroutine):
    """Run a coroutine to completion on a thread of its own (callable with or without a running loop)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


class Templates:
    """The session's template data dirs, one per backend, made on first use."""

    def __init__(self, root: Path, bootstrap_servers: str) -> None:
        self.root = root
        self.bootstrap_servers = bootstrap_servers
        self._made: dict[str, DataTemplate] = {}
        self._lock = threading.Lock()

    def get(self, backend: str) -> DataTemplate:
        with self._lock:
            if backend not in self._made:
                self._made[backend] = _in_thread(self._build(backend))
            return self._made[backend]

    async def _build(self, backend: str) -> DataTemplate:
        database = server = None
        if backend == "postgresql":
            server = os.environ[TEST_DATABASE_ENV]
            database = await create_template_database(server)
        return await build_template(self.root / backend, self.bootstrap_servers, database, server)

    def close(self) -> None:
        for template in self._made.values():
            if template.database_url and template.server_url:
                _in_thread(drop_database(template.database_url, template.server_url))


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


@pytest.fixture(scope="session")
def sandbox_templates(sandbox_kafka, tmp_path_factory):
    templates = Templates(tmp_path_factory.mktemp("sandbox-template"), sandbox_kafka)
    yield templates
    templates.close()


@pytest.fixture
def sandbox_namespace() -> str:
    """The test's topic namespace: it sees only its own events."""
    return f"t{uuid.uuid4().hex[:10]}"


def _fresh(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker(FRESH_MARK) is not None


@pytest.fixture
async def sandbox_database_url(request, sandbox_templates, sandbox_namespace):
    """None for SQLite (one file per service in the test's data dir), or a fresh PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield None
        return
    name = f"sbx_{uuid.uuid4().hex[:12]}"
    if _fresh(request):
        url = await create_template_database(os.environ[TEST_DATABASE_ENV])
    else:
        template = await asyncio.to_thread(sandbox_templates.get, "postgresql")
        url = await template.create_database(name, sandbox_namespace)
    try:
        yield url
    finally:
        await drop_database(url, os.environ[TEST_DATABASE_ENV])


@pytest.fixture
def sandbox_settings(
    request, tmp_path, sandbox_kafka, sandbox_database_url, sandbox_namespace, sandbox_templates
) -> Settings:
    data_dir = tmp_path / "data"
    if not _fresh(request):
        backend = "sqlite" if sandbox_database_url is None else "postgresql"
        sandbox_templates.get(backend).copy_files(data_dir, sandbox_namespace)
    return Settings.model_validate(
        {
            "data_dir": data_dir,
            "database_url": sandbox_database_url,
            "kafka_bootstrap_servers": sandbox_kafka,
            "topic_namespace": sandbox_namespace,
            **{f"{name}_port": free_port() for name in SERVICES},
        }
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
            client.app = app  # type: ignore[attr-defined]  # tests reach the app through its client
            await stack.enter_async_context(client)
            return client

        yield start


@pytest.fixture
def sandbox_server(sandbox_settings):
    """``sandbox_server("registry")`` → the service on its port over real HTTP, from a thread of this process."""
    started: list[ServerThread] = []

    def start(name: str, settings: Settings | None = None, app=None, **uvicorn_options) -> ServerThread:
        server = ServerThread(name, settings or sandbox_settings, app, **uvicorn_options)
        started.append(server)
        return server.start()

    yield start
    for server in reversed(started):
        server.stop()


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


@pytest.fixture(scope="session")
def sandbox_chromium():
    """The session's one headless Chromium (Debian's), started on first use;
    ``async with sandbox_chromium.connect() as browser`` for tests that make their own contexts."""
    chromium = SessionChromium(free_port()).start()
    yield chromium
    chromium.stop()


@pytest.fixture
async def sandbox_browser(sandbox_chromium):
    """A fresh browser context (own cookies and storage, locale pt-BR) in the session's Chromium."""
    async with sandbox_chromium.connect() as browser:
        context = await browser.new_context(locale="pt-BR")
        try:
            yield context
        finally:
            await context.close()
