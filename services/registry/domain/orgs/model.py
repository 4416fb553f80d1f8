"""Org-structure vocabulary: constants, errors and the models (Repository, Unit, robots)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox_kernel.tramita_shapes import REST_UNIT_FIELDS

FEDERAL_EXECUTIVE_REPOSITORY_ID = 1
FEDERAL_LEGISLATIVE_REPOSITORY_ID = 21
STATE_REPOSITORY_ID_OFFSET = 100


# Refusal motives (reference §3.3).
MOTIVOS_RECUSA: dict[str, str] = {
    "01": "Formato de componente digital não suportado",
    "02": "Componente digital corrompido",
    "03": "Falta de componentes digitais",
    "04": "Espécie documental não mapeada no destinatário",
    "99": "Outro",
}

MUNICIPAL_SIGLA_MAX = 5  # PEN: "não passar de 5 dígitos" for prefeituras and câmaras
DIGITS = re.compile(r"^[0-9]+$")


# ---------------------------------------------------------------------------------------------- errors


class OrgError(ValueError):
    """Domain error carrying the Tramita ``codigoErro`` the HTTP layer should answer with (§2.15)."""

    codigo_erro = "0001"

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


class InvalidOrgRequest(OrgError):
    """Bad filter or argument: field-validation error 0001."""


class UnitNotInRepository(OrgError):
    """The unit does not exist in the given repository: 0055 (reference §5, lookup)."""

    codigo_erro = "0055"


# ---------------------------------------------------------------------------------------------- models


class EnteKind(StrEnum):
    MUNICIPIO = "municipio"
    ESTADO = "estado"
    UNIAO = "uniao"


class RobotKind(StrEnum):
    ACCEPT = "accept"  # downloads everything and sends the recibo de conclusão
    REFUSE = "refuse"  # refuses with ``motivo`` / ``justificativa``
    SILENT = "silent"  # never acts: the trâmite stays pending (tests timeouts and pendências)
    SEND = "send"  # periodically sends sample processes to ``target_unit_id``


class Repository(BaseModel):
    """A structure repository, exactly as ``GET repositorios-de-estruturas`` lists it."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(..., ge=1)
    nome: str = Field(..., min_length=1)
    ativo: bool = True

    def as_rest(self) -> dict[str, Any]:
        return self.model_dump()


class HierarchyLevel(BaseModel):
    """One entry of ``hierarquia``."""

    model_config = ConfigDict(extra="forbid")

    numeroDeIdentificacaoDaEstrutura: str
    nome: str
    sigla: str


class RobotBehaviour(BaseModel):
    """What the tramita mock does when a robot unit is involved in a trâmite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RobotKind
    motivo: str | None = Field(None, description="Motivo de recusa (§3.3), só para kind=refuse.")
    justificativa: str | None = Field(None, description="Texto da recusa, só para kind=refuse.")
    target_repository_id: int | None = Field(None, description="Repositório do destino, só para kind=send.")
    target_unit_id: str | None = Field(None, description="Estrutura de destino, só para kind=send.")

    @model_validator(mode="after")
    def _consistent(self) -> RobotBehaviour:
        refusal = (self.motivo, self.justificativa)
        target = (self.target_repository_id, self.target_unit_id)
        if self.kind is RobotKind.REFUSE:
            if self.motivo not in MOTIVOS_RECUSA:
                raise ValueError(
                    f"motivo de recusa inválido: {self.motivo!r} (válidos: {', '.join(MOTIVOS_RECUSA)})"
                )
            if not (self.justificativa or "").strip():
                raise ValueError("um robô que recusa precisa de uma justificativa")
        elif any(value is not None for value in refusal):
            raise ValueError("motivo e justificativa só se aplicam a robôs que recusam")
        if self.kind is RobotKind.SEND:
            if any(value is None for value in target):
                raise ValueError("um robô que envia precisa de target_repository_id e target_unit_id")
            if not DIGITS.match(self.target_unit_id or ""):
                raise ValueError(f"target_unit_id deve conter só dígitos: {self.target_unit_id!r}")
        elif any(value is not None for value in target):
            raise ValueError("target_repository_id e target_unit_id só se aplicam a robôs que enviam")
        return self


def _digits_id(value: object) -> object:
    # Ids come from integer sequences; the REST shape wants them as strings of digits.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Unit(BaseModel):
    """An organisational structure: REST fields (camelCase, §5) first, sandbox-only fields after."""

    model_config = ConfigDict(extra="forbid")

    # REST shape (§5). Do not rename: `as_rest()` emits these keys as they are.
    numeroDeIdentificacaoDaEstrutura: str = Field(..., pattern=r"^[0-9]+$")
    nome: str = Field(..., min_length=1)
    sigla: str = Field(..., min_length=1)
    ativo: bool = True
    unidadeReceptora: bool = False
    aptoParaReceberTramites: bool = True
    codigoNoOrgaoEntidade: str = ""
    codigoUnidadeReceptora: str = ""
    tipoDeTramitacao: int = 0  # meaning of the values is unconfirmed; the real sample shows 0
    hierarquia: list[HierarchyLevel] = Field(default_factory=list)

    # Sandbox only: never part of the REST body.
    repository_id: int = Field(..., ge=1)
    parent_id: str | None = Field(None, pattern=r"^[0-9]+$")
    ente: str | None = Field(
        None, description="Código IBGE do ente dono da unidade (None: nós do próprio repositório)."
    )
    permite_envio: bool = Field(True, description="Filtro permiteEnvio: a unidade pode enviar trâmites.")
    robot: RobotBehaviour | None = None

    @field_validator("numeroDeIdentificacaoDaEstrutura", "parent_id", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: object) -> object:
        return _digits_id(value)

    @property
    def id(self) -> str:
        return self.numeroDeIdentificacaoDaEstrutura

    def as_rest(self) -> dict[str, Any]:
        """The unit exactly as the real API returns it."""
        return self.model_dump(include=set(REST_UNIT_FIELDS))

    def as_level(self) -> HierarchyLevel:
        return HierarchyLevel(numeroDeIdentificacaoDaEstrutura=self.id, nome=self.nome, sigla=self.sigla)


def parse_ente_kind(kind: str) -> EnteKind:
    try:
        return EnteKind(kind)
    except ValueError:
        valid = ", ".join(k.value for k in EnteKind)
        raise InvalidOrgRequest(f"tipo de ente desconhecido: {kind!r} (válidos: {valid})") from None
