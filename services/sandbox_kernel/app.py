"""The service app factory: what every sandbox service has in common.

Storage and schema, the outbox and its relay, the correlation-id middleware, ``GET /sandbox/health``
and the ``service.started`` event. A service adds its own routers and tables and nothing else.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import MetaData, Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from . import __version__
from .clock import ClockMiddleware, VirtualClock, clock
from .correlation import CorrelationMiddleware
from .events.catalog import EventData
from .events.models.common import PingReceived, ServiceStarted
from .events.outbox import Outbox, outbox_table
from .events.relay import OutboxRelay
from .faults.engine import FaultEngine
from .faults.middleware import FaultMiddleware
from .faults.routes import router as overrides_router
from .http_errors import ErrorFormat, install_unknown_path_errors, unknown_path_body
from .openapi_errors import ErrorDeclarations, ErrorRule, declare_errors, paths, with_body
from .services import ServiceInfo, resolve_service
from .settings import Settings, get_settings
from .storage import Database, service_database_url

log = logging.getLogger("govbr_sandbox.app")

# Events waiting longer than this make health say "degraded": consumers are not seeing them.
BACKLOG_DEGRADED_SECONDS = 5.0


class Transaction:
    """A unit of work: the session for state changes and ``emit`` for the events that describe them."""

    def __init__(self, session: AsyncSession, outbox: Outbox) -> None:
        self.session = session
        self._outbox = outbox
        self.emitted: list[str] = []

    def emit(self, data: EventData, *, key: str, subject: str | None = None, ente: str | None = None) -> str:
        event_id = self._outbox.emit(self.session, data, key=key, subject=subject, ente=ente)
        self.emitted.append(event_id)
        return event_id


@dataclass
class ServiceRuntime:
    service: ServiceInfo
    settings: Settings
    db: Database
    outbox: Outbox
    relay: OutboxRelay
    faults: Any = None  # the FaultEngine (faults/engine.py); None in the registry, which holds the rules

    @property
    def url(self) -> str:
        return self.service.url(self.settings)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """State change and events commit together; the relay is woken once they are durable."""
        async with self.db.writing(), self.db.sessionmaker() as session, session.begin():
            tx = Transaction(session, self.outbox)
            yield tx
        if tx.emitted:
            self.relay.wake()


def runtime_of(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


Hook = Callable[[FastAPI, ServiceRuntime], Awaitable[None]]


def create_service_app(
    service_name: str,
    *,
    metadata: MetaData,
    settings: Settings | None = None,
    description: str = "",
    routers: list[APIRouter] | None = None,
    on_startup: Hook | None = None,
    on_shutdown: Hook | None = None,
    errors: ErrorDeclarations | None = None,
) -> FastAPI:
    """``on_shutdown`` runs before the relay and database close (close what ``on_startup`` opened).
    ``errors``: the error answers to declare in the OpenAPI document (openapi_errors.py)."""
    service = resolve_service(service_name)
    settings = settings or get_settings()
    table = _outbox_in(metadata, service.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        clock.bind(app.state.clock)  # the relay, the fault engine and on_startup's tasks inherit it
        db = Database(service_database_url(settings, service.name))
        await db.create_schema(metadata)
        relay = OutboxRelay(
            db,
            table,
            settings.bootstrap_servers,
            mode=settings.event_mode,
            partitions=settings.topic_partitions,
            batch_size=settings.relay_batch_size,
            client_id=f"govbr-sandbox-{service.name}",
            retention=settings.outbox_retention,
        )
        runtime = ServiceRuntime(
            service, settings, db, Outbox(service.name, table, settings.topic_namespace), relay
        )
        app.state.runtime = runtime
        relay.start()
        async with runtime.transaction() as tx:
            tx.emit(
                ServiceStarted(
                    service=service.package,
                    version=__version__,
                    url=runtime.url,
                    pid=os.getpid(),
                    database_backend=db.backend,
                    kafka_bootstrap_servers=settings.bootstrap_servers,
                    event_mode=settings.event_mode,
                ),
                key=service.name,
                subject=service.package,
            )
        faults = None
        if service.name != "registry":  # the registry holds clocks and faults; the others follow it
            faults = app.state.faults = runtime.faults = FaultEngine(runtime)
            await faults.start()
        if on_startup:
            await on_startup(app, runtime)
        log.info("%s ready at %s (database: %s)", service.package, runtime.url, db.backend)
        try:
            yield
        finally:
            if on_shutdown:
                await on_shutdown(app, runtime)
            if faults:
                await faults.stop()
            await relay.stop()
            await db.dispose()

    app = FastAPI(
        title=f"govbr-sandbox · {service.title}",
        version=__version__,
        description=description,
        lifespan=lifespan,
    )
    app.state.clock = VirtualClock()  # this app's copy of the per-ente offsets
    app.add_middleware(FaultMiddleware, service=service.name)
    app.add_middleware(ClockMiddleware)
    app.add_middleware(CorrelationMiddleware)
    fmt = ErrorFormat(service.error_format)
    install_unknown_path_errors(app, fmt)
    declare_errors(app, _with_kernel_rules(errors or ErrorDeclarations(fmt), fmt))
    _install_storage_errors(app, ErrorFormat(service.error_format))
    app.include_router(_sandbox_router(service))
    app.include_router(overrides_router)
    for router in routers or []:
        app.include_router(router)
    return app


def _install_storage_errors(app: FastAPI, fmt: ErrorFormat) -> None:
    """The database failed (gone, disk full, locked): one log line naming the cause and a 503 in the
    platform's format. The transaction rolled back, so no state change and no event were half-written."""

    @app.exception_handler(SQLAlchemyError)
    async def _storage_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        log.error(
            "database error on %s %s: %s (nothing was written)", request.method, request.url.path, cause
        )
        body = unknown_path_body(fmt, request, 503)
        text = f"Serviço temporariamente indisponível: o banco de dados do sandbox falhou ({cause}). Nada foi gravado."
        for field in ("mensagem", "error_description", "erro_description", "message"):
            if field in body:
                body[field] = text
        if "error" in body and fmt is ErrorFormat.ACESSO:
            body["error"] = "temporarily_unavailable"
        if "erro" in body:
            body["erro"] = "banco_indisponivel"
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})


def _with_kernel_rules(declarations: ErrorDeclarations, fmt: ErrorFormat) -> ErrorDeclarations:
    """What every service may answer besides its own errors (see http_errors and the health route)."""
    kernel = [
        ErrorRule(400, "Corpo da requisição ilegível (JSON ou multipart malformado).", with_body, fmt=fmt),
        ErrorRule(
            503,
            "Degradado: banco de dados ou broker inacessível (o motivo vem em `reason`).",
            paths("/sandbox/health"),
            schema={
                "type": "object",
                "required": ["status"],
                "properties": {"status": {"const": "degraded"}},
            },
        ),
    ]
    return ErrorDeclarations(declarations.fmt, [*kernel, *declarations.rules], declarations.drop)


def _outbox_in(metadata: MetaData, service: str) -> Table:
    existing = metadata.tables.get(f"{service}_outbox")
    return existing if existing is not None else outbox_table(metadata, service)


def _sandbox_router(service: ServiceInfo) -> APIRouter:
    router = APIRouter(prefix="/sandbox", tags=["sandbox"])

    @router.post(
        "/ping", status_code=202, summary="Publica um evento de teste (confira seu consumidor Kafka)"
    )
    async def ping(
        request: Request,
        ente: str | None = Query(
            None, pattern=r"^\d{7}$", description="Código IBGE: publica no tópico do ente."
        ),
        message: str = Query("ping", max_length=200),
    ) -> dict:
        runtime = runtime_of(request)
        async with runtime.transaction() as tx:
            event_id = tx.emit(
                PingReceived(message=message, ente=ente), key="ping", subject="ping", ente=ente
            )
        topic = runtime.outbox.topic(ente)
        return {"id": event_id, "type": f"br.gov.sandbox.{service.name}.ping.received", "topic": topic}

    @router.get("/health", summary="Saúde do serviço: banco de dados e broker alcançáveis")
    async def health(request: Request) -> JSONResponse:
        runtime = runtime_of(request)
        checks: dict[str, dict] = {}
        reasons: list[str] = []
        try:
            await runtime.db.ping()
            checks["database"] = {"status": "ok", "backend": runtime.db.backend}
        except Exception as exc:
            checks["database"] = {
                "status": "unreachable",
                "backend": runtime.db.backend,
                "error": type(exc).__name__,
            }
            reasons.append(f"banco de dados inacessível ({type(exc).__name__})")
        relay = runtime.relay.status
        checks["broker"] = {"status": relay.broker, "bootstrap_servers": runtime.settings.bootstrap_servers}
        if relay.broker != "ok":
            checks["broker"]["error"] = relay.error
            reasons.append(f"broker Kafka {relay.broker} ({relay.error or 'conectando'})")
        outbox: dict = {
            "delivered_since_start": relay.delivered,
            "republished_since_start": relay.republished_total,
        }
        try:
            backlog = await runtime.relay.backlog()
            age = backlog.oldest_age_seconds()
            outbox["outbox_pendentes"] = outbox["pending"] = backlog.pending
            outbox["oldest_pending_age_seconds"] = round(age, 3) if age is not None else None
            if age is not None and age > BACKLOG_DEGRADED_SECONDS and relay.republish is None:
                reasons.append(f"{backlog.pending} eventos esperando no outbox; o mais antigo há {age:.0f}s")
        except Exception:
            outbox["pending"] = outbox["outbox_pendentes"] = None
        if relay.last_republish is not None:
            last = relay.last_republish
            outbox["last_republish"] = {
                "events": last.events,
                "incarnation": last.incarnation,
                "finished_at": last.finished_at.isoformat(),
                "seconds": last.seconds,
            }
        if relay.republish is not None:
            outbox["republishing"] = {"total": relay.republish.total}
            reasons.append(
                f"republicando {relay.republish.total} eventos retidos no outbox (o broker voltou vazio)"
            )
        ok = not reasons
        body = {
            "status": "ok" if ok else "degraded",
            "service": service.package,
            "checks": checks,
            "outbox": outbox,
        }
        if not ok:
            body["reason"] = "; ".join(reasons)
        return JSONResponse(body, status_code=200 if ok else 503)

    return router
