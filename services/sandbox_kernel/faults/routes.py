"""``/sandbox/overrides`` on every emulator: what it currently knows of the clocks and fault rules.

``POST /sandbox/overrides/refresh`` re-reads them from the registry at once, so tests and scenario runs
never wait for the next poll.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..clock import clock

router = APIRouter(prefix="/sandbox/overrides", tags=["sandbox"])


def _view(request: Request, refreshed: bool | None = None) -> dict:
    engine = getattr(request.app.state, "faults", None)
    body: dict[str, Any] = {
        "service": engine.service if engine else None,
        "clocks": clock.offsets(),
        "faults": [r.id for r in engine.rules] if engine else [],
    }
    if refreshed is not None:
        body["refreshed"] = refreshed
    return body


@router.get("", summary="Relógios e regras de falha que este serviço está aplicando")
async def current(request: Request) -> dict:
    return _view(request)


@router.post("/refresh", summary="Relê relógios e regras do registry agora")
async def refresh(request: Request) -> dict:
    engine = getattr(request.app.state, "faults", None)
    return _view(request, await engine.refresh() if engine else False)
