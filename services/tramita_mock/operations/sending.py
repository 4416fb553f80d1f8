"""Sending (§2.2, §2.3): ``POST tramites/processo`` and ``POST tramites/documento`` (0 → 1)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from sandbox_kernel.app import Transaction

from .. import storage
from ..domain import payloads
from ..domain.errors import Erro, TramitaError, validation_error
from ..domain.nre import make_nre
from ..domain.states import (
    OPEN,
    Gatilho,
    Situacao,
)
from ..identity import Caller
from .base import C, T, TramitaCore, insert_tramite_row

log = logging.getLogger("govbr_sandbox.tramita")

NRE_START = 1_107_696  # only so the first NREs look like the real ones (0000011076962026)
TICKET_START = 70_001


class Sending(TramitaCore):
    async def _check_units(
        self,
        caller: Caller,
        remetente: payloads.Estrutura,
        destinatarios: list[payloads.Estrutura],
        campo: str,
    ) -> tuple[dict, list[dict]]:
        if not caller.owns_unit(remetente.numeroDeIdentificacaoDaEstrutura):
            raise TramitaError(
                Erro.NAO_AUTORIZADO,
                sistema=caller.nome,
                acao=f"enviar trâmites pela estrutura {remetente.numeroDeIdentificacaoDaEstrutura} "
                "(ela não está vinculada ao certificado)",
            )
        rem = await self._unit(
            remetente.identificacaoDoRepositorioDeEstruturas,
            remetente.numeroDeIdentificacaoDaEstrutura,
            "remetente",
        )
        dests = []
        problems = []
        for i, d in enumerate(destinatarios):
            unit = await self._unit(
                d.identificacaoDoRepositorioDeEstruturas, d.numeroDeIdentificacaoDaEstrutura, campo
            )
            where = (
                campo if len(destinatarios) == 1 and campo == "cabecalho.destinatario" else f"{campo}[{i}]"
            )
            if not unit.get("ativo", True) or not unit.get("aptoParaReceberTramites", True):
                problems.append(f"{where}.numeroDeIdentificacaoDaEstrutura não está apta a receber trâmites")
            dests.append(unit)
        if problems:
            raise validation_error(problems)
        return rem, dests

    async def _held_hashes(self, tx: Transaction, nre: str) -> set[str]:
        query = (
            select(C.c.hash).join(T, T.c.idt == C.c.idt).where(T.c.nre == nre, C.c.received_at.is_not(None))
        )
        return {h for h in (await tx.session.scalars(query)).all() if self.blobs.has(h)}

    async def _insert_tramite(
        self,
        tx: Transaction,
        *,
        caller: Caller,
        kind: str,
        nre: str | None,
        ticket: int,
        protocolo: str,
        remetente: dict,
        rem_unit: dict,
        destinatario: dict,
        dest_unit: dict,
        metadados: dict,
        apenas_pendentes: bool,
        comps: list[payloads.ComponentRef],
        held: set[str],
    ) -> tuple[int, datetime, list[payloads.ComponentRef]]:
        moment = storage.now(rem_unit.get("ente") or caller.ente)
        values: dict[str, Any] = dict(
            nre=nre,
            ticket=ticket,
            kind=kind,
            protocolo=protocolo,
            remetente_repo=int(remetente["identificacaoDoRepositorioDeEstruturas"]),
            remetente_unit=str(remetente["numeroDeIdentificacaoDaEstrutura"]),
            remetente_ente=rem_unit.get("ente") or caller.ente,
            destinatario_repo=int(destinatario["identificacaoDoRepositorioDeEstruturas"]),
            destinatario_unit=str(destinatario["numeroDeIdentificacaoDaEstrutura"]),
            destinatario_ente=dest_unit.get("ente"),
            sender_system=caller.system_id,
            situacao=int(Situacao.INICIADO),
            mudancas=[{"situacao": int(Situacao.INICIADO), "dataHora": storage.iso(moment)}],
            metadados=metadados,
            apenas_pendentes=apenas_pendentes,
            registered_at=moment,
            changed_at=moment,
        )
        waiting = await self._sync_request(tx, caller, nre, values["destinatario_unit"])
        if waiting is None:
            idt = await insert_tramite_row(tx, values)
        else:  # the trâmite a synchronisation request opened at 0 gets its metadata: 0 → 1 (§3.2)
            idt = waiting["idt"]
            mudancas = [*waiting["mudancas"], *values["mudancas"]]
            values |= {"mudancas": mudancas, "registered_at": waiting["registered_at"]}
            await tx.session.execute(update(T).where(T.c.idt == idt).values(**values))
        requested = []
        for c in comps:
            is_requested = not (apenas_pendentes and c.hash in held)
            if is_requested:
                requested.append(c)
            await tx.session.execute(
                C.insert().values(
                    idt=idt,
                    ticket=ticket,
                    protocolo=c.protocolo,
                    hash=c.hash,
                    tamanho=c.tamanho,
                    nome=c.nome,
                    mime_type=c.mime_type,
                    documento_ordem=c.documento_ordem,
                    componente_ordem=c.componente_ordem,
                    requested=is_requested,
                    received_at=None if is_requested else moment,
                    parts=[],
                    downloaded=[],
                )
            )
        row = await self._load(tx, idt)
        self._emit_status(
            tx,
            row,
            int(Situacao.NAO_INICIADO),
            Situacao.INICIADO,
            Gatilho.ENVIO_METADADOS,
            caller.system_id,
            None,
        )
        if not requested:  # nothing to upload: every component is already on the platform
            await self._complete_upload(tx, row, caller.system_id)
        return idt, moment, requested

    async def _sync_request(
        self, tx: Transaction, caller: Caller, nre: str | None, dest_unit: str
    ) -> Any | None:
        """The trâmite at 0 that ``sincroniza-tramite`` opened for this NRE, sender and recipient, if any."""
        if not nre:
            return None
        query = (
            select(T)
            .where(
                T.c.nre == nre,
                T.c.situacao == int(Situacao.NAO_INICIADO),
                T.c.sender_system == caller.system_id,
                T.c.destinatario_unit == dest_unit,
            )
            .order_by(T.c.idt)
            .with_for_update()
        )
        return (await tx.session.execute(query)).mappings().first()

    async def send_processo(self, caller: Caller, body: Any) -> dict:
        parsed = payloads.parse_processo(body)
        cab = parsed.cabecalho
        rem_unit, (dest_unit,) = await self._check_units(
            caller, cab.remetente, [cab.destinatario], "cabecalho.destinatario"
        )
        comps = payloads.components_of_processo(parsed.processo)
        doc_hashes = {str(k): v for k, v in payloads.document_hashes(parsed.processo).items()}
        protocolo = parsed.processo.protocolo
        async with self.tx() as tx:
            held: set[str] = set()
            if cab.NRE:
                nre_row = (
                    (await tx.session.execute(select(storage.nres).where(storage.nres.c.nre == cab.NRE)))
                    .mappings()
                    .first()
                )
                if nre_row is None:
                    raise TramitaError(Erro.NRE_DESCONHECIDO, NRE=cab.NRE)
                open_count = await tx.session.scalar(
                    select(func.count())
                    .select_from(T)
                    .where(T.c.nre == cab.NRE, T.c.situacao.in_([int(s) for s in OPEN]))
                )
                if open_count:
                    raise TramitaError(Erro.TRAMITE_EM_ANDAMENTO)
                known = dict(nre_row["documentos"])
                for ordem, hashes in doc_hashes.items():
                    if ordem in known and sorted(known[ordem]) != sorted(hashes):
                        raise TramitaError(
                            Erro.HASH_DIVERGENTE_NRE, ordem=ordem, NRE=cab.NRE, protocolo=protocolo
                        )
                await tx.session.execute(
                    update(storage.nres)
                    .where(storage.nres.c.nre == cab.NRE)
                    .values(documentos={**doc_hashes, **known})
                )
                nre = cab.NRE
                held = await self._held_hashes(tx, nre)
            else:
                seq = await storage.next_value(tx.session, "nre", NRE_START)
                nre = make_nre(seq, datetime.now(UTC).year)
                await tx.session.execute(
                    storage.nres.insert().values(
                        nre=nre,
                        protocolo=protocolo,
                        sender_system=caller.system_id,
                        documentos=doc_hashes,
                        created_at=storage.now(),
                    )
                )
            ticket = await storage.next_value(tx.session, "ticket", TICKET_START)
            metadados = {"cabecalho": body["cabecalho"], "processo": body["processo"]}
            idt, moment, requested = await self._insert_tramite(
                tx,
                caller=caller,
                kind="processo",
                nre=nre,
                ticket=ticket,
                protocolo=protocolo,
                remetente=cab.remetente.model_dump(),
                rem_unit=rem_unit,
                destinatario=cab.destinatario.model_dump(),
                dest_unit=dest_unit,
                metadados=metadados,
                apenas_pendentes=cab.apenas_pendentes,
                comps=comps,
                held=held,
            )
        solicitados: dict[str, list[str]] = {}
        for c in requested:
            solicitados.setdefault(c.protocolo, []).append(c.hash)
        return {
            "IDT": idt,
            "NRE": nre,
            "ticketParaEnvioDeComponentesDigitais": ticket,
            "dataHoraDeRegistroDoTramite": storage.iso(moment),
            "processosComComponentesDigitaisSolicitados": [
                {"protocolo": p, "hashes": h} for p, h in solicitados.items()
            ],
        }

    async def send_documento(self, caller: Caller, body: Any) -> dict:
        parsed = payloads.parse_documento(body)
        cab = parsed.cabecalho
        rem_unit, dest_units = await self._check_units(
            caller, cab.remetente, cab.destinatarios, "cabecalho.destinatarios"
        )
        comps = payloads.components_of_documento(parsed.documento)
        out = []
        async with self.tx() as tx:
            ticket = await storage.next_value(tx.session, "ticket", TICKET_START)
            moment = storage.now(caller.ente)
            for dest, dest_unit in zip(cab.destinatarios, dest_units, strict=True):
                seq = await storage.next_value(tx.session, "nre", NRE_START)
                nre = make_nre(seq, datetime.now(UTC).year)
                await tx.session.execute(
                    storage.nres.insert().values(
                        nre=nre, protocolo=parsed.documento.protocolo, sender_system=caller.system_id,
                        documentos={"1": [c.hash for c in comps]}, created_at=storage.now(),
                    )
                )  # fmt: skip
                cabecalho = {k: v for k, v in body["cabecalho"].items() if k != "destinatarios"}
                cabecalho["destinatario"] = dest.model_dump()
                idt, moment, _ = await self._insert_tramite(
                    tx,
                    caller=caller,
                    kind="documento",
                    nre=nre,
                    ticket=ticket,
                    protocolo=parsed.documento.protocolo,
                    remetente=cab.remetente.model_dump(),
                    rem_unit=rem_unit,
                    destinatario=dest.model_dump(),
                    dest_unit=dest_unit,
                    metadados={"cabecalho": cabecalho, "documento": body["documento"]},
                    apenas_pendentes=False,
                    comps=comps,
                    held=set(),
                )
                out.append({"IDT": idt, "NRE": nre, "destinatario": dest.model_dump()})
        return {
            "tramites": out,
            "ticketParaEnvioDeComponentesDigitais": ticket,
            "dataHoraDeRegistroDoTramite": storage.iso(moment),
        }
