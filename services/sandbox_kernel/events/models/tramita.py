"""Tramita GOV.BR events: every trâmite state change and interaction, keyed by IDT (one story = one trâmite).

Only ``request.rejected`` can come before an IDT exists: then it is keyed by the ticket, the NRE or the
calling system (see its description).

Published on the topic of the ente involved (sender's and, when different, recipient's), so a municipal
system can react to Kafka instead of polling ``tramites/pendentes``. Never a secret: no private key, no
component bytes; receipts carry the signature value (public by nature), never a key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..catalog import EventData, catalog


class Estrutura(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identificacaoDoRepositorioDeEstruturas: int
    numeroDeIdentificacaoDaEstrutura: str


@catalog.register(
    "tramita",
    "tramite",
    "status_changed",
    "Um trâmite mudou de situação (0–10), com o gatilho e quem agiu.",
)
class TramiteStatusChanged(EventData):
    IDT: int
    NRE: str | None
    protocolo: str
    de: int | None
    para: int
    descricao: str
    gatilho: str
    remetente: Estrutura
    destinatario: Estrutura
    ator: str  # system id, or "plataforma" for automatic changes
    motivo: str | None = None


@catalog.register(
    "tramita", "component", "received", "Um componente digital chegou inteiro e com o hash conferido."
)
class ComponentReceived(EventData):
    IDT: int
    ticket: int
    protocolo: str
    hash: str
    tamanhoEmBytes: int
    modo: Literal["inteiro", "partes"]
    sistema: str


@catalog.register(
    "tramita", "component", "part_received", "Uma parte [inicio,fim[ de um componente digital foi recebida."
)
class ComponentPartReceived(EventData):
    IDT: int
    ticket: int
    protocolo: str
    hash: str
    inicio: int
    fim: int
    tamanhoEmBytes: int
    sistema: str


@catalog.register(
    "tramita", "component", "downloaded", "O destinatário baixou um componente digital (inteiro ou parte)."
)
class ComponentDownloaded(EventData):
    IDT: int
    protocolo: str
    hash: str
    inicio: int
    fim: int
    completo: bool
    sistema: str


@catalog.register(
    "tramita", "receipt", "verified", "O recibo de conclusão do destinatário foi verificado (SHA256withRSA)."
)
class ReceiptVerified(EventData):
    IDT: int
    NRE: str | None
    dataDeRecebimento: str
    hashesDosComponentesDigitais: list[str]
    hashes_ordenados: bool
    sistema: str


@catalog.register(
    "tramita",
    "receipt",
    "refused",
    "Um recibo de conclusão foi recusado (erro 0024): diz o que não conferiu.",
)
class ReceiptRefused(EventData):
    IDT: int
    NRE: str | None
    motivo: str
    texto_esperado: str
    sistema: str


@catalog.register(
    "tramita", "tramite", "refused", "O destinatário recusou o trâmite (motivo 01/02/03/04/99)."
)
class TramiteRefused(EventData):
    IDT: int
    NRE: str | None
    motivo: str
    descricaoDoMotivo: str
    justificativa: str
    sistema: str


@catalog.register(
    "tramita",
    "pendencia",
    "created",
    "Uma pendência surgiu para um sistema (o que GET tramites/pendentes passa a listar para ele).",
)
class PendenciaCreated(EventData):
    IDT: int
    status: int
    papel: Literal["remetente", "destinatario"]
    sistema: str | None
    unidade: Estrutura


@catalog.register(
    "tramita",
    "request",
    "rejected",
    "A API recusou um pedido: o código e a mensagem devolvidos, e a operação. Chave: o IDT quando o pedido "
    "nomeia um trâmite (no caminho, ou um ticket de um só trâmite); antes de existir um IDT, ticket/<n> (ticket "
    "de vários trâmites de um documento avulso), o NRE (reproducoes-de-tramite) ou o sistema que chamou.",
)
class RequestRejected(EventData):
    operacao: str
    codigoErro: str
    mensagem: str
    status: int
    IDT: int | None = None
    ticket: int | None = None
    NRE: str | None = None
    sistema: str | None = None
