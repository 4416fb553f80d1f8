"""Reading: ``GET tramites`` (consultarTramites), ``GET tramites/{IDT}`` (metadata; 2 → 3 when the recipient
reads) and the pendências list and long poll.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import and_, func, or_, select

from .. import storage
from ..domain.errors import Erro, TramitaError
from ..domain.states import (
    AWAITING_DOWNLOAD,
    PENDING_FOR_RECIPIENT,
    PENDING_FOR_SENDER,
    RECIPIENT_HAS_METADATA,
    Gatilho,
    Situacao,
)
from ..identity import Caller
from .base import C, T, TramitaCore, _estrutura

log = logging.getLogger("govbr_sandbox.tramita")


class Queries(TramitaCore):
    def _tramite_view(self, row: Any, comps: list[Any]) -> dict:
        view = {
            "IDT": row["idt"],
            "NRE": row["nre"],
            "protocolo": row["protocolo"],
            "remetente": _estrutura(row["remetente_repo"], row["remetente_unit"]),
            "destinatario": _estrutura(row["destinatario_repo"], row["destinatario_unit"]),
            "situacaoAtual": row["situacao"],
            "dataHoraDeRegistroDoTramite": storage.iso(row["registered_at"]),
            "mudancasDeSituacao": row["mudancas"],
            "hashDosComponentesPendentesDeEnvio": [c["hash"] for c in comps if c["received_at"] is None],
            "hashDosComponentesPendentesDeRecebimento": [
                c["hash"] for c in comps if c["received_at"] is not None and c["downloaded_at"] is None
            ]
            if row["situacao"] in AWAITING_DOWNLOAD
            else [],
        }
        if row["recusa"]:
            view["motivoDaRecusa"] = row["recusa"]["motivo"]
            view["justificativaDaRecusa"] = row["recusa"]["justificativa"]
        return view

    async def list_tramites(self, caller: Caller, filters: dict[str, Any]) -> dict:
        visible = or_(
            T.c.sender_system == caller.system_id, T.c.destinatario_unit.in_(sorted(caller.unidades) or [""])
        )
        conditions = [visible]
        if filters.get("IDT") is not None:
            conditions.append(T.c.idt == filters["IDT"])
        if filters.get("NRE"):
            conditions.append(T.c.nre == filters["NRE"])
        if filters.get("protocolo"):
            conditions.append(T.c.protocolo == filters["protocolo"])
        if filters.get("situacaoAtual") is not None:
            conditions.append(T.c.situacao == filters["situacaoAtual"])
        for side in ("remetente", "destinatario"):
            repo = filters.get(f"{side}_repo")
            unit = filters.get(f"{side}_unit")
            if repo is not None:
                conditions.append(T.c[f"{side}_repo"] == repo)
            if unit:
                conditions.append(T.c[f"{side}_unit"] == str(unit))
        async with self.runtime.db.sessionmaker() as session:
            total = await session.scalar(select(func.count()).select_from(T).where(and_(*conditions)))
            query = select(T).where(and_(*conditions)).order_by(T.c.idt.asc())
            start = filters.get("registroInicial") or 0
            if start:
                query = query.offset(start)
            if filters.get("quantidadeDeRegistros"):
                query = query.limit(filters["quantidadeDeRegistros"])
            rows = (await session.execute(query)).mappings().all()
            idts = [r["idt"] for r in rows]
            comps = (
                (await session.execute(select(C).where(C.c.idt.in_(idts or [-1])).order_by(C.c.id)))
                .mappings()
                .all()
            )
        by_idt: dict[int, list[Any]] = {}
        for c in comps:
            by_idt.setdefault(c["idt"], []).append(c)
        return {
            "tramites": [self._tramite_view(r, by_idt.get(r["idt"], [])) for r in rows],
            "totalDeRegistros": total,
        }

    async def metadata(self, caller: Caller, idt: int) -> dict:
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            sender, recipient = self._is_sender(caller, row), self._is_recipient(caller, row)
            if not (sender or recipient):
                raise TramitaError(
                    Erro.NAO_AUTORIZADO, sistema=caller.nome, acao=f"ler os metadados do trâmite {idt}"
                )
            if recipient and row["situacao"] == int(Situacao.COMPONENTES_ENVIADOS_REMETENTE):
                await self._move(tx, row, Gatilho.METADADOS_LIDOS, caller.system_id)
            elif recipient and not sender and row["situacao"] not in RECIPIENT_HAS_METADATA:
                raise self._not_allowed(row, "solicitarMetadados")
        meta = row["metadados"]
        cab = meta.get("cabecalho") or {}
        out: dict[str, Any] = {
            "IDT": row["idt"],
            "nre": row["nre"],
            "remetente": _estrutura(row["remetente_repo"], row["remetente_unit"]),
            "destinatario": _estrutura(row["destinatario_repo"], row["destinatario_unit"]),
        }
        for key in ("urgencia", "motivoDaUrgencia"):
            if key in cab:
                out[key] = cab[key]
        out["propriedadesAdicionais"] = cab.get("propriedadesAdicionais") or []
        if meta.get("reproducaoDeTramite"):  # a reproduction (#25): the recipient receives it again
            out["reproducaoDeTramite"] = True
        if "processo" in meta:
            out["processo"] = meta["processo"]
        else:
            out["documento"] = meta["documento"]
        return out

    async def pendentes(self, caller: Caller) -> list[dict]:
        condition = or_(
            and_(
                T.c.destinatario_unit.in_(sorted(caller.unidades) or [""]),
                T.c.situacao.in_([int(s) for s in PENDING_FOR_RECIPIENT]),
            ),
            and_(
                T.c.sender_system == caller.system_id, T.c.situacao.in_([int(s) for s in PENDING_FOR_SENDER])
            ),
        )
        async with self.runtime.db.sessionmaker() as session:
            rows = (
                await session.execute(select(T.c.idt, T.c.situacao).where(condition).order_by(T.c.idt))
            ).all()
        return [{"IDT": idt, "status": situacao} for idt, situacao in rows]

    async def wait_pendencia(self, caller: Caller, after: int, timeout: float) -> dict:
        """Long poll: the first pendência with IDT above ``after``, waiting up to ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for item in await self.pendentes(caller):
                if item["IDT"] > after:
                    return {"encontrou": True, "IDT": item["IDT"], "status": str(item["status"])}
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return {"encontrou": False}
            await self.notifier.wait(min(left, 5.0))
