"""GET /api/eventos: the event gateway, the isolation boundary for shared deployments.

An ente key (Bearer or session) gets only that ente's topics; the admin token gets all. Server-Sent Events
of structured CloudEvents by default (``id:`` is the console cursor, so ``Last-Event-ID`` or ``?desde=``
resume without gaps), a JSON page with ``Accept: application/json``. ``narrado=1`` adds, for the pages,
the sentence, refusal, story lane and milestone of each event (``event: narrado``).
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from sandbox_kernel.registry_client import RegistryUnavailable
from sandbox_kernel.secrets import bearer_credential

from .. import storage
from ..auth import Principal, from_bearer_or_session, from_session
from ..context import Console, console_of
from ..domain.events import ConsoleEvent
from ..domain.filters import EventFilter, InvalidFilter
from ..domain.narration import Names
from ..domain.present import present

router = APIRouter(tags=["eventos"])
KEEPALIVE_SECONDS = 15.0
RECHECK_SECONDS = 30.0
DB_PAGE = 500


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="govbr-sandbox-console"'} if status == 401 else None
    return JSONResponse({"erro": code, "mensagem": message, **extra}, status_code=status, headers=headers)


def _cursor(request: Request, desde: str | None, console: Console) -> int | None:
    raw = request.headers.get("last-event-id") or desde
    if raw is None or raw == "":
        return 0
    if raw == "fim":
        return console.hub.last_seq
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


class _Presented:
    """Narrated payloads, made once per event while the names stay the same (many streams, one sentence)."""

    def __init__(self) -> None:
        self.names: Names | None = None
        self.cache: OrderedDict[int, str] = OrderedDict()

    def get(self, event: ConsoleEvent, names: Names) -> str:
        if names is not self.names:
            self.names, self.cache = names, OrderedDict()
        text = self.cache.get(event.seq)
        if text is None:
            text = json.dumps(present(event, names), ensure_ascii=False, separators=(",", ":"))
            self.cache[event.seq] = text
            if len(self.cache) > 5000:
                self.cache.popitem(last=False)
        return text


PRESENTED = _Presented()


@router.get(
    "/api/eventos",
    summary="Eventos do seu ente (SSE ou página JSON), com filtros e retomada por cursor",
    responses={
        200: {"content": {"text/event-stream": {}, "application/json": {}}},
        400: {"description": "Filtro ou cursor inválido"},
        401: {"description": "Sem chave válida"},
        503: {"description": "Registry indisponível para conferir a chave"},
    },
)
async def eventos(
    request: Request,
    servico: str | None = Query(None, description="registry, login, assinatura, tramita ou console"),
    tipo: str | None = Query(None, description="Prefixo do tipo (ex.: login.token ou br.gov.sandbox.login)"),
    historia: str | None = Query(None, description="Chave de partição da história"),
    cpf: str | None = Query(None),
    texto: str | None = Query(None, description="Trecho procurado em todo o evento"),
    desde: str | None = Query(None, description="Cursor: eventos depois dele ('fim': só os novos)"),
    limite: int = Query(200, ge=1, le=1000, description="Eventos por página JSON"),
    narrado: bool = Query(False, description="Inclui frase, recusa, história e marco (para as páginas)"),
) -> Response:
    console = console_of(request)
    try:
        principal = await from_bearer_or_session(request)
    except RegistryUnavailable:
        return _error(503, "registry_indisponivel", "Não foi possível conferir a chave agora; tente de novo.")
    if principal is None:
        return _error(
            401,
            "nao_autenticado",
            "Envie Authorization: Bearer <chave de API do ente ou token de administrador>, ou entre pelo console.",
        )
    try:
        flt = EventFilter.parse(servico=servico, tipo=tipo, historia=historia, cpf=cpf, texto=texto)
    except InvalidFilter as exc:
        return _error(400, "filtro_invalido", str(exc), campo=exc.error.name)
    cursor = _cursor(request, desde, console)
    if cursor is None:
        return _error(
            400, "cursor_invalido", "desde (ou Last-Event-ID) deve ser um cursor numérico ou 'fim'."
        )
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/event-stream" not in accept:
        return await _page(
            console, principal, flt, cursor, desde is not None or "last-event-id" in request.headers, limite
        )
    return StreamingResponse(
        _stream(request, console, principal, flt, cursor, narrado),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _page(
    console: Console, principal: Principal, flt: EventFilter, cursor: int, resuming: bool, limit: int
) -> JSONResponse:
    upto = console.hub.last_seq
    if resuming:
        events = await storage.events_after(console.db, principal.scope, flt, cursor, limit)
    else:
        events = list(reversed(await storage.latest_events(console.db, principal.scope, flt, limit)))
    more = len(events) == limit
    next_cursor = events[-1].seq if events else cursor
    if not more:
        next_cursor = max(next_cursor, upto)
    return JSONResponse(
        {
            "eventos": [e.cloudevent for e in events],
            "cursor": next_cursor,
            "mais": more,
            "estado": console.hub.status.as_dict(),
        },
        headers={"Cache-Control": "no-store"},
    )


async def _stream(
    request: Request, console: Console, principal: Principal, flt: EventFilter, cursor: int, narrado: bool
) -> AsyncIterator[str]:
    hub, scope = console.hub, principal.scope
    bearer = bearer_credential(request.headers.get("authorization"))  # as from_bearer_or_session
    status_version = -1
    checked = last_sent = time.monotonic()
    yield "retry: 2000\n\n"
    while True:
        if hub.status.version != status_version:
            status_version = hub.status.version
            yield _sse("estado", json.dumps(hub.status.as_dict(), ensure_ascii=False), cursor)
        batch = hub.since(cursor)
        if batch is None:  # resuming from further back than memory reaches: read the database
            upto = hub.last_seq
            batch = await storage.events_after(console.db, scope, flt, cursor, DB_PAGE)
            next_cursor = (
                batch[-1].seq if len(batch) == DB_PAGE else max(upto, batch[-1].seq if batch else cursor)
            )
        else:
            next_cursor = batch[-1].seq if batch else cursor
            batch = [e for e in batch if scope.allows(e) and flt.matches(e)]
        if batch:
            names = await console.registry.names() if narrado else None
            chunks = []
            for event in batch:
                if narrado:
                    chunks.append(_sse("narrado", PRESENTED.get(event, names), event.seq))  # type: ignore[arg-type]  # names is loaded whenever narrado is set
                else:
                    chunks.append(_sse(None, event.json, event.seq))
            yield "".join(chunks)
            last_sent = time.monotonic()
        cursor = next_cursor
        # A rotated key (or a deleted ente) stops its streams, opened by Bearer or by a session cookie.
        if time.monotonic() - checked > RECHECK_SECONDS:
            checked = time.monotonic()
            try:
                still = await console.keys.check(bearer) if bearer else await from_session(request)
            except RegistryUnavailable:
                still = principal
            if still != principal:
                yield _sse("erro", json.dumps({"erro": "chave_invalida"}), cursor)
                return
        if hub.last_seq > cursor:
            continue
        await hub.wait(cursor, status_version, KEEPALIVE_SECONDS)
        if time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
            yield ": ping\n\n"
            last_sent = time.monotonic()


def _sse(event: str | None, data: str, cursor: int) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}id: {cursor}\ndata: {data}\n\n"
