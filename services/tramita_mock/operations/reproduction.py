"""Reproduction and synchronisation of a trâmite (reference §2.1 #25 and #26).

- ``POST NREs/{NRE}/destinatarios/{rep}/{est}/reproducoes-de-tramite`` (mod-sei-pen ``reproduzirUltimoTramite``,
  no body): the sender asks the platform to deliver the last trâmite of an NRE to that recipient again. A new
  trâmite (new IDT) carries the same metadata plus ``reproducaoDeTramite: true``; the components are the ones
  the platform already holds, so it goes 0 → 1 → 2 at once and the recipient finds it in its pendências.
- ``GET sincroniza-tramite/{IDT}`` (mod-sei-pen 4.2 beta ``solicitarSincronizarTramite``): a party of the
  trâmite asks for the process to be synchronised. The platform opens a new trâmite of the same NRE at
  situação 0 ("Aguardando envio de Metadados") for the original sender, who sees it in its pendências; the
  sender's next ``POST tramites/processo`` with that NRE to that recipient fills it (0 → 1). The answer's
  shape is not public (UNCONFIRMED): ``{"IDT", "NRE"}`` of the new trâmite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sandbox_kernel.app import Transaction

from .. import storage
from ..domain import payloads
from ..domain.errors import Erro, TramitaError
from ..domain.states import OPEN, Abertura, Situacao
from ..identity import Caller
from .base import C, T, _estrutura, insert_tramite_row
from .sending import TICKET_START, Sending


class Reproduction(Sending):
    async def reproduzir(self, caller: Caller, nre: str, repo: int, unit_id: str) -> dict:
        dest_unit = await self._unit(repo, unit_id, "destinatario")
        async with self.tx() as tx:
            last = await self._last_to(tx, nre, repo, unit_id)
            self._require_sender(caller, last, f"reproduzir o último trâmite do NRE {nre}")
            if last["situacao"] in OPEN or last["situacao"] == Situacao.NAO_INICIADO:
                raise TramitaError(Erro.TRAMITE_EM_ANDAMENTO_DESTINATARIO, NRE=nre)
            comps = (
                (await tx.session.execute(select(C).where(C.c.idt == last["idt"]).order_by(C.c.id)))
                .mappings()
                .all()
            )
            held = {c["hash"] for c in comps if c["received_at"] is not None and self.blobs.has(c["hash"])}
            if not comps or any(c["hash"] not in held for c in comps):
                raise TramitaError(Erro.REPRODUCAO_SEM_COMPONENTES, protocolo=last["protocolo"])
            ticket = await storage.next_value(tx.session, "ticket", TICKET_START)
            idt, moment, _ = await self._insert_tramite(
                tx,
                caller=caller,
                kind=last["kind"],
                nre=nre,
                ticket=ticket,
                protocolo=last["protocolo"],
                remetente=_estrutura(last["remetente_repo"], last["remetente_unit"]),
                rem_unit={"ente": last["remetente_ente"]},
                destinatario=_estrutura(repo, unit_id),
                dest_unit=dest_unit,
                metadados={**last["metadados"], "reproducaoDeTramite": True},
                apenas_pendentes=True,
                comps=[_ref(c) for c in comps],
                held=held,
            )
        return {
            "IDT": idt,
            "NRE": nre,
            "ticketParaEnvioDeComponentesDigitais": ticket,
            "dataHoraDeRegistroDoTramite": storage.iso(moment),
            "processosComComponentesDigitaisSolicitados": [],
        }

    async def _last_to(self, tx: Transaction, nre: str, repo: int, unit_id: str) -> Any:
        known = await tx.session.scalar(select(storage.nres.c.nre).where(storage.nres.c.nre == nre))
        if known is None:
            raise TramitaError(Erro.NRE_DESCONHECIDO, NRE=nre)
        query = (
            select(T)
            .where(T.c.nre == nre, T.c.destinatario_repo == repo, T.c.destinatario_unit == str(unit_id))
            .order_by(T.c.idt.desc())
            .limit(1)
            .with_for_update()
        )
        last = (await tx.session.execute(query)).mappings().first()
        if last is None:
            raise TramitaError(
                Erro.SEM_TRAMITE_PARA_DESTINATARIO, NRE=nre, repositorio=repo, estrutura=unit_id
            )
        return last

    async def sincronizar(self, caller: Caller, idt: int) -> dict:
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            if not (self._is_sender(caller, row) or self._is_recipient(caller, row)):
                raise TramitaError(
                    Erro.NAO_AUTORIZADO, sistema=caller.nome, acao=f"sincronizar o trâmite {idt}"
                )
            waiting = (
                (
                    await tx.session.execute(
                        select(T).where(
                            T.c.nre == row["nre"],
                            T.c.situacao == int(Situacao.NAO_INICIADO),
                            T.c.destinatario_unit == row["destinatario_unit"],
                        )
                    )
                )
                .mappings()
                .first()
            )
            if waiting is not None:  # already requested: the same answer, no second request
                return {"IDT": waiting["idt"], "NRE": waiting["nre"]}
            ticket = await storage.next_value(tx.session, "ticket", TICKET_START)
            moment = storage.now(row["remetente_ente"])
            new_idt = await insert_tramite_row(
                tx,
                dict(
                    nre=row["nre"], ticket=ticket, kind=row["kind"], protocolo=row["protocolo"],
                    remetente_repo=row["remetente_repo"], remetente_unit=row["remetente_unit"],
                    remetente_ente=row["remetente_ente"], destinatario_repo=row["destinatario_repo"],
                    destinatario_unit=row["destinatario_unit"], destinatario_ente=row["destinatario_ente"],
                    sender_system=row["sender_system"], situacao=int(Situacao.NAO_INICIADO),
                    mudancas=[{"situacao": int(Situacao.NAO_INICIADO), "dataHora": storage.iso(moment)}],
                    metadados={**row["metadados"], "sincronizacaoDoTramite": idt},
                    apenas_pendentes=True, registered_at=moment, changed_at=moment,
                )
            )  # fmt: skip
            new = await self._load(tx, new_idt)
            self._emit_status(
                tx, new, None, Situacao.NAO_INICIADO, Abertura.SINCRONIZACAO, caller.system_id, None
            )
            await self._emit_pendencia(tx, new, Situacao.NAO_INICIADO)
        return {"IDT": new["idt"], "NRE": new["nre"]}


def _ref(c: Any) -> payloads.ComponentRef:
    return payloads.ComponentRef(
        protocolo=c["protocolo"],
        hash=c["hash"],
        tamanho=c["tamanho"],
        nome=c["nome"],
        mime_type=c["mime_type"],
        documento_ordem=c["documento_ordem"],
        componente_ordem=c["componente_ordem"],
    )
