"""Plumbing every operation family shares: the write transaction, loading and authorising a trâmite, and
``_move``, the one way a trâmite changes situação (§3.2): it records ``mudancasDeSituacao``, emits
``tramite.status_changed`` on the sender's and the recipient's ente topics and, when somebody now has to act,
``pendencia.created`` for that system. Every event of a trâmite is keyed by its IDT (one story = one trâmite).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from sandbox_kernel.app import ServiceRuntime, Transaction
from sandbox_kernel.events.models.tramita import (
    Estrutura,
    PendenciaCreated,
    RequestRejected,
    TramiteStatusChanged,
)
from sandbox_kernel.pki import Issued
from sandbox_kernel.registry_client import RegistryUnavailable

from .. import storage
from ..blobs import BlobStore
from ..domain import receipts
from ..domain.errors import Erro, TramitaError
from ..domain.states import (
    DESCRICOES,
    PENDING_FOR_RECIPIENT,
    PENDING_FOR_SENDER,
    Abertura,
    Gatilho,
    Situacao,
    TransicaoInvalida,
    next_state,
)
from ..identity import Caller
from ..registry import TramitaRegistry
from ..settings import TramitaSettings

log = logging.getLogger("govbr_sandbox.tramita")

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


class TramitaCore:
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
        self,
        error: TramitaError,
        operacao: str,
        caller: Caller | None,
        idt: int | None,
        *,
        ticket: int | None = None,
        nre: str | None = None,
    ) -> None:
        """Publish why a request was refused (error events explain themselves), on the trâmite's story.

        Key: the IDT when the request names a trâmite (its path, or a ticket of one trâmite); before an IDT
        exists, ``ticket/<n>`` (a ticket shared by several trâmites of a loose document), the NRE
        (reproducoes-de-tramite), else the calling system (a refused send) or ``anonimo`` (no certificate).
        """
        try:
            if idt is None and ticket is not None:
                async with self.runtime.db.sessionmaker() as session:
                    idts = set((await session.scalars(select(T.c.idt).where(T.c.ticket == ticket))).all())
                idt = idts.pop() if len(idts) == 1 else None
            key = (
                str(idt) if idt is not None
                else f"ticket/{ticket}" if ticket is not None
                else nre or (caller.system_id if caller else "anonimo")
            )  # fmt: skip
            async with self.runtime.transaction() as tx:
                tx.emit(
                    RequestRejected(
                        operacao=operacao,
                        codigoErro=error.erro.codigo,
                        mensagem=error.mensagem,
                        status=error.status,
                        IDT=idt,
                        ticket=ticket,
                        NRE=nre,
                        sistema=caller.system_id if caller else None,
                    ),
                    key=key,
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
        gatilho: Gatilho | Abertura,
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

    async def _complete_upload(self, tx: Transaction, row: Any, ator: str) -> None:
        """1 → 2, with the recibo de envio signed by the platform key."""
        hashes = list((await tx.session.scalars(select(C.c.hash).where(C.c.idt == row["idt"]))).all())
        data = storage.iso(storage.now()) or ""
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


async def insert_tramite_row(tx: Transaction, values: dict[str, Any]) -> int:
    """INSERT a trâmite row; its IDT (an INSERT's result is a CursorResult, which knows the new key)."""
    result = cast(CursorResult, await tx.session.execute(T.insert().values(**values)))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
