"""Components (§2.4, §2.9): uploads (whole or in parts) that complete 1 → 2, and downloads that complete 3 → 4."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select, update

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.tramita import (
    ComponentDownloaded,
    ComponentPartReceived,
    ComponentReceived,
)

from .. import blobs, storage
from ..blobs import ReceivedUpload
from ..domain import ranges
from ..domain.errors import Erro, TramitaError, validation_error
from ..domain.states import (
    RECIPIENT_HAS_METADATA,
    Gatilho,
    Situacao,
)
from ..identity import Caller
from .base import C, T, TramitaCore

log = logging.getLogger("govbr_sandbox.tramita")


class Components(TramitaCore):
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

    async def _mark_received(
        self, tx: Transaction, caller: Caller, rows: list[Any], modo: Literal["inteiro", "partes"]
    ) -> None:
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
                    raise TramitaError(
                        Erro.PARTE_TAMANHO_DIVERGENTE, inicio=inicio, fim=fim, hash=hash_,
                        esperado=fim - inicio, recebido=upload.content_size,
                    )  # fmt: skip
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

    async def download(
        self, caller: Caller, idt: int, body: dict, rng: tuple[int, int] | None
    ) -> tuple[Path, int, int]:
        hash_, protocolo = self._ids(None, {}, body)
        async with self.tx() as tx:
            row = await self._load(tx, idt, lock=True)
            self._require_recipient(caller, row, f"baixar componentes do trâmite {idt}")
            if row["situacao"] not in RECIPIENT_HAS_METADATA:
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
