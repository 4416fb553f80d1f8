"""Receipts (§2.5, §6.4): the recibo de envio signed by the platform, the conclusion receipt (4 → 5, 5 → 6)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.tramita import (
    ReceiptRefused,
    ReceiptVerified,
)

from ..domain import receipts
from ..domain.errors import Erro, TramitaError, validation_error
from ..domain.states import (
    Gatilho,
    Situacao,
)
from ..identity import Caller
from .base import C, T, TramitaCore

log = logging.getLogger("govbr_sandbox.tramita")


class Receipts(TramitaCore):
    async def recibo_de_envio(self, caller: Caller, idt: int) -> dict:
        async with self.runtime.db.sessionmaker() as session:
            row = (await session.execute(select(T).where(T.c.idt == idt))).mappings().first()
        if row is None:
            raise TramitaError(Erro.TRAMITE_NAO_ENCONTRADO, IDT=idt)
        self._require_sender(caller, row, f"obter o recibo de envio do trâmite {idt}")
        if row["recibo_envio"] is None:
            if row["situacao"] == int(Situacao.INICIADO):
                raise TramitaError(Erro.COMPONENTES_PENDENTES, IDT=f"{idt:,}".replace(",", "."))
            raise self._not_allowed(row, "receberReciboDeEnvio")
        return row["recibo_envio"]

    async def send_recibo(self, caller: Caller, idt: int, body: dict) -> None:
        problems = [
            f"{f} não pode ser nulo"
            for f in ("dataDeRecebimento", "hashDaAssinatura")
            if not str(body.get(f) or "").strip()
        ]
        if problems:
            raise validation_error(problems)
        data, assinatura = str(body["dataDeRecebimento"]), str(body["hashDaAssinatura"])
        failure: TramitaError | None = None
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_recipient(caller, row, f"enviar o recibo do trâmite {idt}")
            if row["situacao"] != int(Situacao.COMPONENTES_RECEBIDOS_DESTINATARIO):
                raise self._not_allowed(row, "enviarReciboDeTramite")
            comps = (
                (await tx.session.execute(select(C).where(C.c.idt == idt).order_by(C.c.id))).mappings().all()
            )
            hashes = [c["hash"] for c in comps if c["downloaded_at"] is not None]
            candidates = [
                receipts.recibo_text(idt, row["nre"], data, hashes),
                receipts.recibo_text(idt, row["nre"], data, hashes, sort=False),
            ]
            try:
                verified = receipts.verify(dict.fromkeys(candidates), assinatura, caller.certificate)
            except receipts.ReciboInvalido as exc:
                tx.emit(
                    ReceiptRefused(
                        IDT=idt,
                        NRE=row["nre"],
                        motivo=str(exc),
                        texto_esperado=candidates[0],
                        sistema=caller.system_id,
                    ),
                    key=str(idt),
                    subject=f"tramite/{idt}",
                    ente=row["destinatario_ente"],
                )
                failure = TramitaError(Erro.RECIBO_INVALIDO, IDT=idt, detalhe=str(exc))
                verified = ""
            if failure is None:
                await self._accept_recibo(
                    tx, caller, row, data, assinatura, hashes, verified == candidates[0]
                )
        if failure is not None:  # after the commit: the receipt.refused event is published
            raise failure

    async def _accept_recibo(
        self,
        tx: Transaction,
        caller: Caller,
        row: Any,
        data: str,
        assinatura: str,
        hashes: list[str],
        ordenados: bool,
    ) -> None:
        idt = row["idt"]
        recibo = {
            "recibo": {
                "IDT": idt,
                "NRE": row["nre"],
                "dataDeRecebimento": data,
                "hashesDosComponentesDigitais": sorted(hashes),
            },
            "cadeiaDoCertificado": caller.certificate_pem,
            "hashDaAssinatura": assinatura,
        }
        tx.emit(
            ReceiptVerified(
                IDT=idt, NRE=row["nre"], dataDeRecebimento=data, hashesDosComponentesDigitais=sorted(hashes),
                hashes_ordenados=ordenados, sistema=caller.system_id,
            ),
            key=str(idt),
            subject=f"tramite/{idt}",
            ente=row["destinatario_ente"],
        )  # fmt: skip
        await self._move(tx, row, Gatilho.RECIBO_ENVIADO, caller.system_id, extra={"recibo": recibo})

    async def get_recibo(self, caller: Caller, idt: int) -> dict:
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_sender(caller, row, f"obter o recibo de conclusão do trâmite {idt}")
            if row["situacao"] == int(Situacao.RECIBO_ENVIADO_DESTINATARIO):
                await self._move(tx, row, Gatilho.RECIBO_OBTIDO, caller.system_id)
            elif row["situacao"] != int(Situacao.RECIBO_RECEBIDO_REMETENTE) or not row["recibo"]:
                raise TramitaError(Erro.RECIBO_INDISPONIVEL, IDT=idt)
        return row["recibo"]
