"""Entes (tenants): what makes a valid ente, and the Kafka topics it gets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sandbox_kernel.events.catalog import EVENT_SERVICES
from sandbox_kernel.events.topics import topic_for

from .ibge import UFS, valid_estado_code, valid_municipio_code

UF_BY_SIGLA = {uf.sigla: uf for uf in UFS}


class EnteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ibge: str = Field(
        ..., description="Município: 7 dígitos com dígito verificador. Estado: código da UF (2 dígitos)."
    )
    nome: str = Field(..., min_length=2, max_length=200)
    uf: str | None = Field(None, description="Sigla da UF (obrigatória para município e estado).")
    tipo: Literal["municipio", "estado", "uniao"] = "municipio"

    @field_validator("uf")
    @classmethod
    def _uf(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if value not in UF_BY_SIGLA:
            raise ValueError(f"UF desconhecida: {value!r}")
        return value

    @model_validator(mode="after")
    def _code_matches_kind(self):
        if self.tipo == "uniao":
            if self.ibge != "0000000":
                raise ValueError("ibge: a União usa o código 0000000")
            return self
        if not self.uf:
            raise ValueError("uf: obrigatória para município e estado")
        uf = UF_BY_SIGLA[self.uf]
        if self.tipo == "municipio":
            if not valid_municipio_code(self.ibge):
                raise ValueError(
                    f"ibge: código de município inválido: {self.ibge!r} (7 dígitos, dígito verificador do IBGE)"
                )
        elif not valid_estado_code(self.ibge):
            raise ValueError(f"ibge: código de estado inválido: {self.ibge!r} (2 dígitos da UF)")
        if not self.ibge.startswith(f"{uf.code:02d}"):
            raise ValueError(
                f"ibge: o código {self.ibge} não é da UF {self.uf} (começaria por {uf.code:02d})"
            )
        return self


def topics_of(ibge: str, namespace: str) -> dict[str, str]:
    return {service: topic_for(service, ibge, namespace) for service in EVENT_SERVICES}
