"""The readiness report's data: rules as loaded from ``rules/*.yaml`` and the report the judge writes.

The report's JSON schema is ``Report.model_json_schema()`` (``govbr-sandbox readiness schema``); it is
stable: fields are only ever added.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class VerdictKind(StrEnum):
    """How a rule can be judged (spid-oidc-check-rp's labels)."""

    AUTOMATICA = "automatica"  # judged from what the integration did
    AUTOAVALIACAO = "autoavaliacao"  # the sandbox shows the evidence; a person decides
    REQUER_PLATAFORMA_REAL = "requer-plataforma-real"  # only the real homologation can tell


class Severity(StrEnum):
    BLOQUEIA = "bloqueia"  # blocks homologation
    CONSELHO = "conselho"  # advice


class Outcome(StrEnum):
    PASSA = "passa"
    FALHA = "falha"
    NAO_AVALIADA = "nao_avaliada"  # no activity the rule could judge: never a pass
    AUTOAVALIACAO = "autoavaliacao"


class Match(BaseModel):
    """Selects events: a type (or type prefix ending in ``.``), optionally a refusal check and field values."""

    model_config = ConfigDict(extra="forbid")

    tipo: str
    check: list[str] | None = None
    campo: str | None = None
    igual: list[Any] | None = None
    contem: str | None = None
    do_ente: bool = Field(
        False,
        description="Só quando quem agiu (data.sistema ou data.ator) é um sistema do ente, não um robô.",
    )


class Sequence(BaseModel):
    """``primeiro`` followed, in the same story (partition key), by ``depois``."""

    model_config = ConfigDict(extra="forbid")

    primeiro: Match
    depois: Match


class Judgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    atividade: list[str] = Field(description="Tipos (ou prefixos) de evento que mostram que há o que julgar.")
    falha_quando: list[Match] = []
    falha_quando_sequencia: list[Sequence] = []
    passa_quando: list[Match] = Field([], description="Se dado, a regra só passa quando um destes aparece.")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Z]+-\d{2}$")
    plataforma: str
    titulo: str
    referencia: str = Field(description="Seção de reference/ que documenta a regra.")
    veredito: VerdictKind
    severidade: Severity
    como: str = Field(description="Como a regra é julgada.")
    correcao: str = Field(description="O que mudar na integração, em português.")
    avalia: Judgement | None = None  # None: nothing in the stream can judge it
    ativo: bool = Field(False, description="Julgada pelo ensaio ativo (`govbr-sandbox readiness login`).")


class Evidence(BaseModel):
    id: str
    time: str
    type: str
    historia: str | None = None
    detalhe: dict[str, Any] = {}


class Finding(BaseModel):
    regra: str
    plataforma: str
    titulo: str
    referencia: str
    veredito: VerdictKind
    severidade: Severity
    resultado: Outcome
    explicacao: str
    correcao: str | None = None
    evidencias: list[Evidence] = []

    @classmethod
    def of(cls, rule: Rule, outcome: Outcome, why: str, evidence: list[Evidence] | None = None) -> Finding:
        """A verdict on ``rule``; the fix is shown whenever a person has something to do."""
        return cls(
            regra=rule.id,
            plataforma=rule.plataforma,
            titulo=rule.titulo,
            referencia=rule.referencia,
            veredito=rule.veredito,
            severidade=rule.severidade,
            resultado=outcome,
            explicacao=why,
            correcao=rule.correcao if outcome in (Outcome.FALHA, Outcome.AUTOAVALIACAO) else None,
            evidencias=evidence or [],
        )


class Summary(BaseModel):
    passa: int = 0
    falha: int = 0
    nao_avaliada: int = 0
    autoavaliacao: int = 0
    bloqueios: list[str] = Field([], description="Regras automáticas que bloqueiam e falharam.")


class PlatformState(StrEnum):
    PRONTA = "pronta"  # activity, and no blocking automatic rule failed
    NAO_PRONTA = "nao_pronta"
    SEM_ATIVIDADE = "sem_atividade"  # nothing to judge: never "ready"


class Report(BaseModel):
    """``govbr-sandbox readiness report --json``."""

    versao: int = 1
    ente: str
    gerado_em: datetime
    eventos_lidos: int
    pronto_para_homologacao: bool = Field(
        description="Ao menos uma plataforma com atividade, e todas as que têm atividade prontas."
    )
    plataformas: dict[str, PlatformState] = {}
    resumo: Summary
    achados: list[Finding]
