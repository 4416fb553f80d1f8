"""GET / (live timeline) and GET /historias (stories): rendered from the read model, kept live by SSE."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from .. import storage
from ..context import console_of
from ..domain.filters import SERVICES, EventFilter, InvalidFilter
from ..domain.narration import SITUACOES
from ..domain.present import present
from ..domain.stories import build_stories
from .common import page_principal, render

router = APIRouter(include_in_schema=False)
STORY_WINDOW = 2000  # events read to draw the stories page
MAX_LANES = 60


def _filter_or_error(**raw):
    try:
        return EventFilter.parse(**raw), None
    except InvalidFilter as exc:
        return EventFilter(), str(exc)


@router.get("/")
async def timeline(
    request: Request,
    servico: str | None = None,
    tipo: str | None = None,
    historia: str | None = None,
    cpf: str | None = None,
    texto: str | None = None,
    n: int = Query(200, ge=1, le=2000),
    minutos: int = Query(60, ge=0, le=10080),
) -> Response:
    principal = await page_principal(request)
    console = console_of(request)
    flt, erro = _filter_or_error(servico=servico, tipo=tipo, historia=historia, cpf=cpf, texto=texto)
    cursor = console.hub.last_seq
    since = time.time() - minutos * 60 if minutos else None
    events = await storage.latest_events(console.db, principal.scope, flt, n, since_ts=since)
    names = await console.registry.names()
    dados = {
        "modo": "linha",
        "itens": [present(e, names) for e in events],
        "n": n,
        "minutos": minutos,
        "cursor": cursor,
        "stream": "/api/eventos?" + urlencode(flt.as_query() | {"narrado": "1"}),
        "estado": console.hub.status.as_dict(),
    }
    return render(
        request,
        "linha.html",
        principal,
        status_code=400 if erro else 200,
        aba="linha",
        dados=dados,
        vazio=not events,
        erro=erro,
        filtro=flt.as_query(),
        n=n,
        minutos=minutos,
        servicos=SERVICES,
    )


@router.get("/historias")
async def stories(request: Request, servico: str | None = None, cpf: str | None = None) -> Response:
    principal = await page_principal(request)
    console = console_of(request)
    flt, erro = _filter_or_error(servico=servico, cpf=cpf)
    cursor = console.hub.last_seq
    events = await storage.latest_events(console.db, principal.scope, flt, STORY_WINDOW)
    names = await console.registry.names()
    lanes = build_stories(events, names)[:MAX_LANES]
    dados = {
        "modo": "historias",
        "itens": [
            {
                "chave": f"{s.service}|{s.key}",
                "tipo": s.kind,
                "titulo": s.title(names),
                "recusado": s.refused,
                "passos": [{"texto": p.text, "recusado": p.refused, "hora": p.time} for p in s.steps],
                "situacoes": s.situacoes,
                "situacao": s.situacao,
            }
            for s in lanes
        ],
        "cursor": cursor,
        "situacoes": SITUACOES,
        "stream": "/api/eventos?" + urlencode(flt.as_query() | {"narrado": "1"}),
        "estado": console.hub.status.as_dict(),
    }
    return render(
        request,
        "historias.html",
        principal,
        status_code=400 if erro else 200,
        aba="historias",
        erro=erro,
        dados=dados,
        vazio=not lanes,
        filtro=flt.as_query(),
        servicos=("login", "assinatura", "tramita"),
    )
