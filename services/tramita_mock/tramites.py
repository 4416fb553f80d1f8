"""What happens on each Tramita operation: validation, state machine, storage and events, in one place.

Routers (``routes/``) translate HTTP into these calls; the rules themselves live in ``domain/``. Every
state change goes through ``_move`` so that it follows §3.2 exactly, records ``mudancasDeSituacao``,
emits ``tramite.status_changed`` (on the sender's and the recipient's ente topics) and, when somebody
now has to act, ``pendencia.created`` for that system.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import and_, func, or_, select, update

from sandbox_kernel.app import ServiceRuntime, Transaction
from sandbox_kernel.clock import clock
from sandbox_kernel.events.models.tramita import (
    ComponentDownloaded,
    ComponentPartReceived,
    ComponentReceived,
    Estrutura,
    PendenciaCreated,
    ReceiptRefused,
    ReceiptVerified,
    RequestRejected,
    TramiteRefused,
    TramiteStatusChanged,
)
from sandbox_kernel.pki import Issued
from sandbox_kernel.registry_client import RegistryUnavailable

from . import blobs, storage
from .blobs import BlobStore, ReceivedUpload
from .config import TramitaSettings
from .domain import payloads, ranges, receipts
from .domain.errors import Erro, TramitaError, validation_error
from .domain.nre import make_nre
from .domain.states import (
    DESCRICOES,
    OPEN,
    PENDING_FOR_RECIPIENT,
    PENDING_FOR_SENDER,
    Gatilho,
    Situacao,
    TransicaoInvalida,
    next_state,
)
from .identity import Caller
from .registry import TramitaRegistry

log = logging.getLogger("govbr_sandbox.tramita")

MOTIVOS_RECUSA = {
    "01": "Formato de componente digital não suportado",
    "02": "Componente digital corrompido",
    "03": "Falta de componentes digitais",
    "04": "Espécie documental não mapeada no destinatário",
    "99": "Outro",
}
NRE_START = 1_107_696  # only so the first NREs look like the real ones (0000011076962026)
TICKET_START = 70_001
T = storage.tramites
C = storage.components


def _estrutura(repo: int, unit: str) -> dict:
    return {
        "identificacaoDoRepositorioDeEstruturas": int(repo),
        "numeroDeIdentificacaoDaEstrutura": str(unit),
    }


@dataclass
class Notifier:
    """Wakes the long-poll pendências requests after any committed change."""

    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


class TramitaService:
    def __init__(
        self,
        runtime: ServiceRuntime,
        settings: TramitaSettings,
        registry: TramitaRegistry,
        blob_store: BlobStore,
        platform: Issued,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.registry = registry
        self.blobs = blob_store
        self.platform = platform
        self.notifier = Notifier()
        self._write_lock = asyncio.Lock()  # SQLite upgrades read→write locks badly; one writer at a time

    # ------------------------------------------------------------------------------------------ plumbing

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Transaction]:
        async with self._write_lock, self.runtime.transaction() as tx:
            yield tx
        self.notifier.notify()

    async def reject(
        self, error: TramitaError, operacao: str, caller: Caller | None, idt: int | None
    ) -> None:
        """Publish why a request was refused (error events explain themselves)."""
        try:
            async with self.runtime.transaction() as tx:
                tx.emit(
                    RequestRejected(
                        operacao=operacao,
                        codigoErro=error.erro.codigo,
                        mensagem=error.mensagem,
                        status=error.status,
                        IDT=idt,
                        sistema=caller.system_id if caller else None,
                    ),
                    key=str(idt) if idt is not None else (caller.system_id if caller else "anonimo"),
                    subject=f"tramite/{idt}" if idt is not None else None,
                    ente=caller.ente if caller else None,
                )
        except Exception:  # never hide the real error behind an event failure
            log.exception("could not record the rejection event")

    async def _unit(self, repo: int, unit_id: str, campo: str) -> dict:
        try:
            unit = await self.registry.unit(str(unit_id))
        except RegistryUnavailable as exc:
            raise TramitaError(Erro.SERVICO_INDISPONIVEL, detalhe=str(exc)) from None
        if unit is None or int(unit.get("repository_id", -1)) != int(repo):
            raise TramitaError(Erro.ESTRUTURA_FORA_DO_REPOSITORIO, estrutura=unit_id, repositorio=repo)
        return unit

    async def _load(self, tx: Transaction, idt: int, *, lock: bool = False) -> Any:
        query = select(T).where(T.c.idt == idt)
        if lock:
            query = query.with_for_update()
        row = (await tx.session.execute(query)).mappings().first()
        if row is None:
            raise TramitaError(Erro.TRAMITE_NAO_ENCONTRADO, IDT=idt)
        return row

    @staticmethod
    def _is_sender(caller: Caller, row: Any) -> bool:
        return row["sender_system"] == caller.system_id

    @staticmethod
    def _is_recipient(caller: Caller, row: Any) -> bool:
        return caller.owns_unit(row["destinatario_unit"])

    def _require_sender(self, caller: Caller, row: Any, acao: str) -> None:
        if not self._is_sender(caller, row):
            raise TramitaError(Erro.NAO_AUTORIZADO, sistema=caller.nome, acao=f"{acao} (só o remetente pode)")

    def _require_recipient(self, caller: Caller, row: Any, acao: str) -> None:
        if not self._is_recipient(caller, row):
            raise TramitaError(
                Erro.NAO_AUTORIZADO, sistema=caller.nome, acao=f"{acao} (só o destinatário pode)"
            )

    @staticmethod
    def _not_allowed(row: Any, operacao: str) -> TramitaError:
        situacao = Situacao(row["situacao"])
        return TramitaError(
            Erro.SITUACAO_NAO_PERMITE,
            operacao=operacao,
            IDT=row["idt"],
            situacao=int(situacao),
            descricao=DESCRICOES[situacao],
        )

    async def _move(
        self,
        tx: Transaction,
        row: Any,
        gatilho: Gatilho,
        ator: str,
        *,
        motivo: str | None = None,
        extra: dict | None = None,
    ) -> Situacao:
        """Apply one §3.2 transition to a trâmite row and emit what it means."""
        try:
            target = next_state(row["situacao"], gatilho)
        except TransicaoInvalida:
            raise self._not_allowed(row, gatilho.value) from None
        moment = storage.now(row["remetente_ente"])
        mudancas = [*row["mudancas"], {"situacao": int(target), "dataHora": storage.iso(moment)}]
        values = {"situacao": int(target), "mudancas": mudancas, "changed_at": moment, **(extra or {})}
        await tx.session.execute(update(T).where(T.c.idt == row["idt"]).values(**values))
        self._emit_status(tx, row, row["situacao"], target, gatilho, ator, motivo)
        await self._emit_pendencia(tx, row, target)
        return target

    def _emit_status(
        self,
        tx: Transaction,
        row: Any,
        de: int | None,
        para: Situacao,
        gatilho: Gatilho,
        ator: str,
        motivo: str | None,
    ) -> None:
        data = TramiteStatusChanged(
            IDT=row["idt"],
            NRE=row["nre"],
            protocolo=row["protocolo"],
            de=de,
            para=int(para),
            descricao=DESCRICOES[para],
            gatilho=gatilho.value,
            remetente=Estrutura(**_estrutura(row["remetente_repo"], row["remetente_unit"])),
            destinatario=Estrutura(**_estrutura(row["destinatario_repo"], row["destinatario_unit"])),
            ator=ator,
            motivo=motivo,
        )
        for ente in dict.fromkeys([row["remetente_ente"], row["destinatario_ente"]]):
            tx.emit(data, key=str(row["idt"]), subject=f"tramite/{row['idt']}", ente=ente)

    async def _emit_pendencia(self, tx: Transaction, row: Any, situacao: Situacao) -> None:
        if situacao in PENDING_FOR_RECIPIENT:
            try:
                system = await self.registry.system_for_unit(
                    row["destinatario_ente"], row["destinatario_unit"]
                )
            except RegistryUnavailable:
                system = None
            tx.emit(
                PendenciaCreated(
                    IDT=row["idt"],
                    status=int(situacao),
                    papel="destinatario",
                    sistema=system,
                    unidade=Estrutura(**_estrutura(row["destinatario_repo"], row["destinatario_unit"])),
                ),
                key=str(row["idt"]),
                subject=f"tramite/{row['idt']}",
                ente=row["destinatario_ente"],
            )
        elif situacao in PENDING_FOR_SENDER:
            tx.emit(
                PendenciaCreated(
                    IDT=row["idt"],
                    status=int(situacao),
                    papel="remetente",
                    sistema=row["sender_system"],
                    unidade=Estrutura(**_estrutura(row["remetente_repo"], row["remetente_unit"])),
                ),
                key=str(row["idt"]),
                subject=f"tramite/{row['idt']}",
                ente=row["remetente_ente"],
            )

    # ------------------------------------------------------------------------------------------ sending

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
        result = await tx.session.execute(
            T.insert().values(
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
        )
        idt = int(result.inserted_primary_key[0])
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

    # ------------------------------------------------------------------------------------------ upload

    async def _component_rows(
        self, tx: Transaction, caller: Caller, ticket: int, protocolo: str, hash_: str
    ) -> list[Any]:
        query = (
            select(C, T.c.situacao, T.c.sender_system).join(T, T.c.idt == C.c.idt).where(C.c.ticket == ticket)
        )
        rows = (await tx.session.execute(query)).mappings().all()
        if not rows:
            raise TramitaError(Erro.TICKET_INVALIDO, ticket=ticket)
        if rows[0]["sender_system"] != caller.system_id:
            raise TramitaError(
                Erro.NAO_AUTORIZADO, sistema=caller.nome, acao=f"enviar componentes no ticket {ticket}"
            )
        mine = [r for r in rows if r["protocolo"] == protocolo and r["hash"] == hash_]
        if not mine:
            raise TramitaError(Erro.COMPONENTE_NAO_SOLICITADO, hash=hash_, protocolo=protocolo)
        pending = [r for r in mine if r["received_at"] is None]
        if pending and all(r["situacao"] != int(Situacao.INICIADO) for r in pending):
            raise TramitaError(Erro.TICKET_INVALIDO, ticket=ticket)
        return mine

    @staticmethod
    def _ids(
        upload: ReceivedUpload | None, query: dict[str, str | None], body: dict | None = None
    ) -> tuple[str, str]:
        source = {
            **(body or {}),
            **{k: v for k, v in query.items() if v},
            **(upload.fields if upload else {}),
        }
        hash_ = (source.get("hashDoComponenteDigital") or "").strip()
        protocolo = (source.get("protocolo") or "").strip()
        problems = []
        if not hash_:
            problems.append("hashDoComponenteDigital não pode ser nulo")
        if not protocolo:
            problems.append("protocolo não pode ser nulo")
        if upload is not None and upload.content_path is None:
            problems.append("conteudo não pode ser nulo")
        if problems:
            raise validation_error(problems)
        return hash_, protocolo

    async def _mark_received(self, tx: Transaction, caller: Caller, rows: list[Any], modo: str) -> None:
        moment = storage.now()
        ids = [r["id"] for r in rows]
        await tx.session.execute(update(C).where(C.c.id.in_(ids)).values(received_at=moment))
        for r in rows:
            tx.emit(
                ComponentReceived(
                    IDT=r["idt"], ticket=r["ticket"], protocolo=r["protocolo"], hash=r["hash"],
                    tamanhoEmBytes=r["tamanho"], modo=modo, sistema=caller.system_id,
                ),
                key=str(r["idt"]),
                subject=f"tramite/{r['idt']}",
                ente=caller.ente,
            )  # fmt: skip
        for idt in dict.fromkeys(r["idt"] for r in rows):
            missing = await tx.session.scalar(
                select(func.count()).select_from(C).where(C.c.idt == idt, C.c.received_at.is_(None))
            )
            row = await self._load(tx, idt, lock=True)
            if not missing and row["situacao"] == int(Situacao.INICIADO):
                await self._complete_upload(tx, row, caller.system_id)

    async def _complete_upload(self, tx: Transaction, row: Any, ator: str) -> None:
        """1 → 2, with the recibo de envio signed by the platform key."""
        hashes = list((await tx.session.scalars(select(C.c.hash).where(C.c.idt == row["idt"]))).all())
        data = storage.iso(storage.now())
        text = receipts.recibo_de_envio_text(row["idt"], row["nre"], data, hashes)
        recibo = {
            "reciboDeEnvio": {
                "IDT": row["idt"],
                "NRE": row["nre"],
                "dataDeRecebimentoDoUltimoComponenteDigital": data,
                "hashesDosComponentesDigitais": sorted(hashes),
            },
            "cadeiaDoCertificado": self.platform.cert_pem.decode(),
            "hashDaAssinatura": receipts.sign(text, self.platform.key),
        }
        await self._move(tx, row, Gatilho.COMPONENTES_ENVIADOS, ator, extra={"recibo_envio": recibo})

    async def upload_whole(
        self, caller: Caller, ticket: int, upload: ReceivedUpload, query: dict[str, str | None]
    ) -> None:
        try:
            hash_, protocolo = self._ids(upload, query)
            async with self.tx() as tx:
                rows = await self._component_rows(tx, caller, ticket, protocolo, hash_)
                if all(r["received_at"] is not None for r in rows):
                    return  # already here: a retry is harmless
                expected = rows[0]["tamanho"]
                if expected and upload.content_size != expected:
                    raise TramitaError(
                        Erro.TAMANHO_NAO_CONFERE, hash=hash_, recebido=upload.content_size, informado=expected
                    )
                if upload.content_hash != hash_:
                    raise TramitaError(Erro.HASH_NAO_CONFERE, calculado=upload.content_hash, informado=hash_)
                assert upload.content_path is not None
                self.blobs.commit(
                    upload.content_path, hash_
                )  # verified bytes in place before the row says so
                upload.content_path = None
                await self._mark_received(
                    tx, caller, [r for r in rows if r["received_at"] is None], "inteiro"
                )
        finally:
            upload.discard()

    async def upload_part(
        self,
        caller: Caller,
        ticket: int,
        inicio: int,
        fim: int,
        upload: ReceivedUpload,
        query: dict[str, str | None],
    ) -> None:
        try:
            hash_, protocolo = self._ids(upload, query)
            async with self.tx() as tx:
                rows = await self._component_rows(tx, caller, ticket, protocolo, hash_)
                if all(r["received_at"] is not None for r in rows):
                    return
                tamanho = rows[0]["tamanho"]
                if tamanho and fim > tamanho:
                    raise TramitaError(Erro.PARTE_ULTRAPASSA)
                if upload.content_size != fim - inicio:
                    raise TramitaError(Erro.INTERVALO_INVALIDO, inicio=inicio, fim=fim)
                partial = self.blobs.partial_path(ticket, protocolo, hash_)
                assert upload.content_path is not None
                await asyncio.to_thread(blobs.write_at, partial, inicio, upload.content_path)
                merged = ranges.merge(rows[0]["parts"] or [], (inicio, fim))
                await tx.session.execute(
                    update(C).where(C.c.id.in_([r["id"] for r in rows])).values(parts=merged)
                )
                for r in rows:
                    tx.emit(
                        ComponentPartReceived(
                            IDT=r["idt"], ticket=ticket, protocolo=protocolo, hash=hash_, inicio=inicio, fim=fim,
                            tamanhoEmBytes=tamanho, sistema=caller.system_id,
                        ),
                        key=str(r["idt"]),
                        subject=f"tramite/{r['idt']}",
                        ente=caller.ente,
                    )  # fmt: skip
        finally:
            upload.discard()

    async def finish_parts(
        self, caller: Caller, ticket: int, body: dict, query: dict[str, str | None]
    ) -> None:
        hash_, protocolo = self._ids(None, query, body)
        failure: TramitaError | None = None
        async with self.tx() as tx:
            rows = await self._component_rows(tx, caller, ticket, protocolo, hash_)
            pending = [r for r in rows if r["received_at"] is None]
            if not pending:
                return
            tamanho = rows[0]["tamanho"]
            parts = rows[0]["parts"] or []
            partial = self.blobs.partial_path(ticket, protocolo, hash_)
            if not parts or not partial.exists() or (tamanho and not ranges.covers(parts, tamanho)):
                faltam = ", ".join(f"[{a},{b}[" for a, b in ranges.gaps(parts, tamanho or 1)) or "todos"
                raise TramitaError(Erro.PARTES_INCOMPLETAS, hash=hash_, faltam=faltam)
            calculado, size = await asyncio.to_thread(blobs.sha256_file, partial)
            if calculado != hash_ or (tamanho and size != tamanho):
                # the parts are unusable: start over, keep nothing half-done
                partial.unlink(missing_ok=True)
                await tx.session.execute(
                    update(C).where(C.c.id.in_([r["id"] for r in rows])).values(parts=[])
                )
                failure = TramitaError(Erro.HASH_NAO_CONFERE, calculado=calculado, informado=hash_)
            else:
                self.blobs.commit(partial, hash_)
                await self._mark_received(tx, caller, pending, "partes")
        if failure is not None:  # raised after the commit: the reset parts are durable
            raise failure

    # ------------------------------------------------------------------------------------------ reading

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
            if row["situacao"] in (2, 3)
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
            elif recipient and not sender and row["situacao"] not in (3, 4, 5, 6):
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
        if "processo" in meta:
            out["processo"] = meta["processo"]
        else:
            out["documento"] = meta["documento"]
        return out

    async def download(
        self, caller: Caller, idt: int, body: dict, rng: tuple[int, int] | None
    ) -> tuple[Path, int, int]:
        hash_, protocolo = self._ids(None, {}, body)
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_recipient(caller, row, f"baixar componentes do trâmite {idt}")
            if row["situacao"] not in (3, 4, 5, 6):
                raise self._not_allowed(row, "receberComponenteDigital")
            comp = (
                (
                    await tx.session.execute(
                        select(C).where(C.c.idt == idt, C.c.protocolo == protocolo, C.c.hash == hash_)
                    )
                )
                .mappings()
                .first()
            )
            if comp is None or comp["received_at"] is None or not self.blobs.has(hash_):
                raise TramitaError(Erro.COMPONENTE_NAO_ENCONTRADO, hash=hash_, protocolo=protocolo, IDT=idt)
            size = self.blobs.path(hash_).stat().st_size
            inicio, fim = rng if rng else (0, size)
            if fim > size:
                raise TramitaError(Erro.PARTE_ULTRAPASSA)
            merged = (
                ranges.merge(comp["downloaded"] or [], (inicio, fim))
                if fim > inicio
                else comp["downloaded"] or []
            )
            complete = ranges.covers(merged, size)
            values: dict[str, Any] = {"downloaded": merged}
            if complete and comp["downloaded_at"] is None:
                values["downloaded_at"] = storage.now()
            await tx.session.execute(update(C).where(C.c.id == comp["id"]).values(**values))
            tx.emit(
                ComponentDownloaded(
                    IDT=idt,
                    protocolo=protocolo,
                    hash=hash_,
                    inicio=inicio,
                    fim=fim,
                    completo=complete,
                    sistema=caller.system_id,
                ),
                key=str(idt),
                subject=f"tramite/{idt}",
                ente=row["destinatario_ente"],
            )
            if row["situacao"] == int(Situacao.METADADOS_RECEBIDO_DESTINATARIO):
                missing = await tx.session.scalar(
                    select(func.count()).select_from(C).where(C.c.idt == idt, C.c.downloaded_at.is_(None))
                )
                if not missing:
                    await self._move(tx, row, Gatilho.COMPONENTES_BAIXADOS, caller.system_id)
        return self.blobs.path(hash_), inicio, fim

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
                        .where(T.c.situacao.in_([1, 2, 3, 4]), T.c.changed_at < limit)
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


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())
