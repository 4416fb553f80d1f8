"""The end of a trâmite other than success: refusal (→ 8), ciência (8 → 9), cancel (→ 7), expiry (→ 10)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from sqlalchemy import select

from sandbox_kernel.clock import clock
from sandbox_kernel.events.models.tramita import (
    TramiteRefused,
)

from .. import storage
from ..domain.errors import validation_error
from ..domain.states import (
    EXPIRABLE,
    MOTIVOS_RECUSA,
    Gatilho,
)
from ..identity import Caller
from .base import T, TramitaCore

log = logging.getLogger("govbr_sandbox.tramita")


class Lifecycle(TramitaCore):
    async def recusar(self, caller: Caller, idt: int, body: dict) -> None:
        motivo = str(body.get("motivo") or "").strip()
        justificativa = str(body.get("justificativa") or "").strip()
        problems = []
        if not motivo:
            problems.append("motivo não pode ser nulo")
        elif motivo not in MOTIVOS_RECUSA:
            problems.append("motivo deve ser um dos códigos 01, 02, 03, 04 ou 99")
        if not justificativa:
            problems.append("justificativa não pode ser vazio")
        elif len(justificativa) > 1000:
            problems.append("justificativa deve ter no máximo 1000 caracteres")
        if problems:
            raise validation_error(problems)
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_recipient(caller, row, f"recusar o trâmite {idt}")
            await self._move(
                tx, row, Gatilho.RECUSA, caller.system_id, motivo=motivo,
                extra={"recusa": {"motivo": motivo, "justificativa": justificativa}},
            )  # fmt: skip
            tx.emit(
                TramiteRefused(
                    IDT=idt, NRE=row["nre"], motivo=motivo, descricaoDoMotivo=MOTIVOS_RECUSA[motivo],
                    justificativa=justificativa, sistema=caller.system_id,
                ),
                key=str(idt),
                subject=f"tramite/{idt}",
                ente=row["remetente_ente"],
            )  # fmt: skip

    async def ciencia(self, caller: Caller, idt: int) -> None:
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_sender(caller, row, f"dar ciência da recusa do trâmite {idt}")
            await self._move(tx, row, Gatilho.CIENCIA, caller.system_id)

    async def cancelar(self, caller: Caller, idt: int) -> None:
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_sender(caller, row, f"cancelar o trâmite {idt}")
            await self._move(tx, row, Gatilho.CANCELAMENTO, caller.system_id)

    # ------------------------------------------------------------------------------------------ expiry

    async def expire_idle(self) -> int:
        """1–4 → 10 for trâmites idle longer than ``idle_seconds``; returns how many."""
        # Each trâmite ages on its sender's virtual clock (``clock advance`` moves one ente only).
        idle = timedelta(seconds=self.settings.idle_seconds)
        limit = storage.now() + timedelta(seconds=max([0.0, *clock.offsets().values()])) - idle
        count = 0
        async with self.tx() as tx:
            rows = (
                (
                    await tx.session.execute(
                        select(T)
                        .where(T.c.situacao.in_(sorted(int(s) for s in EXPIRABLE)), T.c.changed_at < limit)
                        .with_for_update()
                    )
                )
                .mappings()
                .all()
            )
            for row in rows:
                changed = row["changed_at"].replace(tzinfo=row["changed_at"].tzinfo or UTC)
                if changed >= storage.now(row["remetente_ente"]) - idle:
                    continue
                await self._move(
                    tx, row, Gatilho.EXPIRACAO, "plataforma",
                    motivo=f"parado há mais de {self.settings.idle_seconds:g} s na situação {row['situacao']}",
                )  # fmt: skip
                count += 1
        return count

    async def expiry_loop(self) -> None:
        while True:
            try:
                await self.expire_idle()
            except Exception:
                log.exception("idle expiry failed; will retry")
            await asyncio.sleep(self.settings.expiry_check_seconds)
