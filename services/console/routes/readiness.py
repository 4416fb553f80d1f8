"""GET /prontidao: the readiness report of an ente, judged from the console's own read model.

The same rules and judge as ``govbr-sandbox readiness report`` (kernel ``readiness``): an ente key sees its
own ente; the admin (the trainer) picks one, e.g. from the class grid.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sandbox_kernel.readiness.catalogue import rules
from sandbox_kernel.readiness.cli import ROBOT_SYSTEM_NAME
from sandbox_kernel.readiness.judge import build_report
from sandbox_kernel.registry_client import RegistryUnavailable

from .. import storage
from ..context import console_of
from .common import page_principal, render

router = APIRouter(include_in_schema=False)
REPORT_WINDOW = 20_000  # an ente's newest events judged (a lab day is far fewer)


@router.get("/prontidao")
async def readiness_page(request: Request, ente: str | None = None) -> Response:
    principal = await page_principal(request)
    console = console_of(request)
    target = ente if principal.admin else principal.ente
    if target is None:
        entes = await console.registry.entes()
        return render(request, "prontidao.html", principal, aba="prontidao", report=None, entes=entes)
    events = await storage.ente_cloudevents(console.db, target, REPORT_WINDOW)
    try:
        systems = await console.registry.systems(target)
        own = frozenset(s["id"] for s in systems if s.get("nome") != ROBOT_SYSTEM_NAME)
    except RegistryUnavailable:
        own = None
    report = build_report(target, list(rules()), events, own_systems=own)
    return render(request, "prontidao.html", principal, aba="prontidao", report=report, entes=None)
