"""Labs (Capacita GOV.BR turmas): what a class request may ask for."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .clients import check_uris
from .ibge import UF_BY_SIGLA

LAB_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class LabSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nome: str = Field(
        ..., pattern=LAB_NAME.pattern, description="Identificador da turma (ex.: capacita-2026-11)."
    )
    trainees: int = Field(..., ge=1, le=500)
    uf: str = Field("DF", description="UF dos municípios fictícios da turma.")
    personas_por_aluno: int = Field(3, ge=0, le=50)
    redirect_uris: list[str] = Field(default_factory=list, description="Além do loopback, que já vale.")

    @field_validator("uf")
    @classmethod
    def _uf(cls, value: str) -> str:
        if value.upper() not in UF_BY_SIGLA:
            raise ValueError(f"UF desconhecida: {value!r} (use a sigla, ex.: DF)")
        return value.upper()

    @field_validator("redirect_uris")
    @classmethod
    def _uris(cls, value: list[str]) -> list[str]:
        return check_uris(value, "redirect_uris")
