"""Registry events: the control plane's changes. Never a secret: secrets are shown once, over HTTP only."""

from __future__ import annotations

from typing import Literal

from ..catalog import EventData, catalog

AppKind = Literal["login", "assinatura"]


@catalog.register("registry", "ente", "created", "Um ente (município, estado ou União) foi cadastrado.")
class EnteCreated(EventData):
    ibge: str
    nome: str
    uf: str | None
    tipo: str
    lab: str | None = None


@catalog.register("registry", "ente", "deleted", "Um ente e tudo o que era dele foram removidos.")
class EnteDeleted(EventData):
    ibge: str


@catalog.register(
    "registry", "application", "registered", "Uma aplicação cliente (login ou assinatura) foi registrada."
)
class ApplicationRegistered(EventData):
    client_id: str
    kind: AppKind
    nome: str
    redirect_uris: list[str]
    allow_loopback: bool
    scopes: list[str]
    auto_approve: bool


@catalog.register("registry", "application", "changed", "A configuração de uma aplicação cliente mudou.")
class ApplicationChanged(EventData):
    client_id: str
    kind: AppKind
    changed_fields: list[str]


@catalog.register("registry", "application", "deleted", "Uma aplicação cliente foi removida.")
class ApplicationDeleted(EventData):
    client_id: str
    kind: AppKind


@catalog.register(
    "registry", "credential", "rotated", "Uma credencial foi trocada; a anterior deixou de valer."
)
class CredentialRotated(EventData):
    credential: Literal["client_secret", "api_key"]
    client_id: str | None = None
    ente: str


@catalog.register("registry", "certificate", "issued", "Um certificado de sistema (Tramita) foi emitido.")
class CertificateIssued(EventData):
    system_id: str
    nome: str
    serial: str
    fingerprint_sha256: str
    not_after: str
    unidades: list[str]


@catalog.register("registry", "certificate", "revoked", "Um certificado de sistema (Tramita) foi revogado.")
class CertificateRevoked(EventData):
    system_id: str
    serial: str
    fingerprint_sha256: str
    motivo: str


@catalog.register("registry", "persona", "created", "Uma persona (cidadão sintético) foi criada.")
class PersonaCreated(EventData):
    cpf: str
    nome: str
    nivel: str
    ente: str | None


@catalog.register("registry", "persona", "changed", "Uma persona mudou (ex.: nível de confiabilidade).")
class PersonaChanged(EventData):
    cpf: str
    changed_fields: list[str]
    ente: str | None


@catalog.register("registry", "persona", "deleted", "Uma persona foi removida.")
class PersonaDeleted(EventData):
    cpf: str
    ente: str | None


@catalog.register(
    "registry", "unit", "changed", "Uma unidade (estrutura organizacional) foi criada ou alterada."
)
class UnitChanged(EventData):
    numeroDeIdentificacaoDaEstrutura: str
    nome: str
    sigla: str
    repositorio: int
    robot: str | None
    created: bool


@catalog.register("registry", "lab", "created", "Uma turma (lab) foi criada: um ente por aluno.")
class LabCreated(EventData):
    lab: str
    trainees: int
    entes: list[str]


@catalog.register("registry", "lab", "deleted", "Uma turma (lab) foi removida com seus entes.")
class LabDeleted(EventData):
    lab: str
    entes: list[str]
