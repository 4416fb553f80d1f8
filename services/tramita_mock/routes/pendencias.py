"""The optional long-poll pendências service (reference §4), served at ``/pendencias``.

The real one lives on its own host (``homolog.pendencias.processoeletronico.gov.br``) and is called as
``GET {WebServicePendencias}?idTramiteDaPendenciaRecebida={lastIDT}``; point SEI's
``WebServicePendencias`` at ``https://127.0.0.1:8183/pendencias/``. It blocks until this system has a
pendência with an IDT above the one given, or the wait (``SANDBOX_TRAMITA_LONGPOLL_SECONDS``) ends.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox_kernel.faults.hooks import take_effect

from ..identity import Caller
from .deps import CallerDep, lenient_int, service_of

router = APIRouter(tags=["Tramita GOV.BR: pendências (long polling)"])


@router.get("/pendencias")
@router.get("/pendencias/", include_in_schema=False)
async def aguardar(request: Request, caller: Caller = CallerDep) -> JSONResponse:
    after = (
        lenient_int("idTramiteDaPendenciaRecebida", request.query_params.get("idTramiteDaPendenciaRecebida"))
        or 0
    )
    svc = service_of(request)
    timeout = svc.settings.longpoll_seconds
    asked = lenient_int("timeout", request.query_params.get("timeout"))  # sandbox extra, for tests
    if asked is not None:
        timeout = max(0, min(timeout, asked))
    silent = await take_effect(  # a fault rule: the long poll stays silent until its time is up
        svc.runtime, ("silent_pendencias",), ente=caller.ente, system_id=caller.system_id,
        endpoint="pendencias", method="GET", path=request.url.path,
    )  # fmt: skip
    if silent:
        await asyncio.sleep(timeout)
        return JSONResponse({"encontrou": False})
    return JSONResponse(await svc.wait_pendencia(caller, after, timeout))
