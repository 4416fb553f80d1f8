"""/sandbox/registry/entes/{ibge}/login-clients and .../assinatura-clients

No ``from __future__ import annotations`` here: FastAPI must see the real body model of each router.
"""

from fastapi import APIRouter, Body, Response

from sandbox_kernel.app import Transaction

from ..domain.clients import AssinaturaClient, LoginClient
from ..domain.errors import Forbidden, NotFound
from ..stores import applications as apps
from ..stores import entes
from .deps import PREFIX, Caller, CallerDep, TxDep


def _router(kind: str, segment: str, model: type) -> APIRouter:
    router = APIRouter(prefix=f"{PREFIX}/entes/{{ibge}}/{segment}", tags=[segment])

    async def owned(tx: Transaction, who: Caller, ibge: str, client_id: str):
        who.require_ente(ibge)
        row = await apps.get_application(tx, client_id, kind)
        if row.ente != ibge:
            raise NotFound(f"Aplicação {client_id!r} não encontrada neste ente.")
        return row

    @router.post(
        "", status_code=201, summary="Registra a aplicação; o client_secret aparece só nesta resposta"
    )
    async def register(ibge: str, spec: model, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:  # type: ignore[valid-type]
        who.require_ente(ibge)
        _platform_needs_admin(who, getattr(spec, "platform", False))
        await entes.get_ente(tx, ibge)
        row, secret = await apps.register(tx, ibge, kind, spec)
        return apps.public_view(row) | {"client_secret": secret}

    @router.get("")
    async def list_(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
        who.require_ente(ibge)
        return [apps.public_view(r) for r in await apps.list_for(tx, ibge, kind)]

    @router.get("/{client_id}")
    async def get(ibge: str, client_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
        return apps.public_view(await owned(tx, who, ibge, client_id))

    @router.patch("/{client_id}", summary="Altera campos da aplicação (o client_id não muda)")
    async def patch(
        ibge: str, client_id: str, changes: dict = Body(...), who: Caller = CallerDep, tx: Transaction = TxDep
    ) -> dict:
        row = await owned(tx, who, ibge, client_id)
        _platform_needs_admin(who, bool(changes.get("platform")))
        return apps.public_view(await apps.update(tx, row, changes))

    @router.post("/{client_id}/secret", summary="Gera um novo client_secret; o anterior deixa de valer")
    async def rotate(ibge: str, client_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
        row = await owned(tx, who, ibge, client_id)
        return {"client_id": client_id, "client_secret": await apps.rotate_secret(tx, row)}

    @router.delete("/{client_id}", status_code=204)
    async def delete(ibge: str, client_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
        await apps.delete(tx, await owned(tx, who, ibge, client_id))
        return Response(status_code=204)

    return router


def _platform_needs_admin(who: Caller, platform: bool) -> None:
    # A platform client sees personas of every ente: granting that is the admin's call, not an ente's.
    if platform and not who.admin:
        raise Forbidden("Só o administrador registra clientes de plataforma (platform=true).")


login_router = _router("login", "login-clients", LoginClient)
assinatura_router = _router("assinatura", "assinatura-clients", AssinaturaClient)

internal_router = APIRouter(prefix=f"{PREFIX}/clients", tags=["interno"])


@internal_router.get("/{client_id}", summary="Para os emuladores (admin): a aplicação com o hash do segredo")
async def internal_client(client_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    return apps.internal_view(await apps.get_application(tx, client_id))
