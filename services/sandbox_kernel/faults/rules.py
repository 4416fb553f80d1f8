"""A fault rule: which requests of an ente it hits, how often, until when, and what it does to them.

``FaultSpec`` is what a user sends (registry API, CLI, pytest fixture, scenario file); it is validated
strictly so a typo gets a 422 naming the field and the allowed values. ``FaultRule`` is the stored rule as
the emulators receive it from the registry.
"""

from __future__ import annotations

import random
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..clock import DurationError, parse_duration
from .catalog import DOMAIN_EFFECTS, EFFECT_ENDPOINT, GENERIC_EFFECTS, SERVICES, effects_of, endpoint_names

DEFAULT_EXPIRY_SECONDS = 3600.0
MAX_LATENCY_MS = 120_000


def _allowed(values) -> str:
    return ", ".join(values)


class FaultSpec(BaseModel):
    """A new fault rule. Without ``count`` or ``probability`` it hits every matching request until it expires."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(..., description=f"Serviço: {_allowed(SERVICES)}.")
    endpoint: str | None = Field(None, description="Endpoint ou operação do serviço (vazio: todos).")
    effect: str | None = Field(
        None, description="Efeito. Vazio: 'status' quando há status, 'latency' quando há latency_ms."
    )
    status: int | None = Field(None, description="Status HTTP da resposta injetada (400–599).")
    codigo: str | None = Field(
        None, description="Tramita: codigoErro do corpo (ex.: 0044, 0047); padrão conforme o status."
    )
    latency_ms: int | None = Field(None, ge=1, le=MAX_LATENCY_MS, description="Atraso acrescentado (ms).")
    count: int | None = Field(None, ge=1, le=100_000, description="Só as próximas N requisições.")
    probability: float | None = Field(None, gt=0, le=1, description="Probabilidade por requisição (0–1].")
    expires_in: str | float | None = Field(
        None, description="Validade da regra (ex.: 10m, 2h, 1d). Padrão: 1h. Nunca vale além disso."
    )
    client_id: str | None = Field(None, max_length=128, description="Só requisições deste client_id.")
    system_id: str | None = Field(None, max_length=64, description="Só este sistema (Tramita).")
    persona: str | None = Field(None, description="Só esta persona (CPF, 11 dígitos).")
    description: str | None = Field(None, max_length=300, description="Texto livre, para os eventos.")

    @model_validator(mode="after")
    def _consistent(self):
        if self.service not in SERVICES:
            raise ValueError(
                f"service: serviço desconhecido {self.service!r}; permitidos: {_allowed(SERVICES)}"
            )
        names = endpoint_names(self.service)
        if self.endpoint is not None and self.endpoint not in names:
            raise ValueError(
                f"endpoint: {self.endpoint!r} não é endpoint de {self.service}; permitidos: {_allowed(names)}"
            )
        if self.effect is None:
            if self.latency_ms is not None and self.status is None:
                self.effect = "latency"
            elif self.status is not None:
                self.effect = "status"
            else:
                raise ValueError(
                    f"effect: informe effect, status ou latency_ms; efeitos de {self.service}: "
                    f"{_allowed(effects_of(self.service))}"
                )
        allowed = effects_of(self.service)
        if self.effect not in allowed:
            raise ValueError(
                f"effect: {self.effect!r} não existe em {self.service}; permitidos: {_allowed(allowed)}"
            )
        if self.effect == "status":
            if self.status is None or not 400 <= self.status <= 599:
                raise ValueError("status: obrigatório para effect=status; permitidos: 400 a 599")
        elif self.status is not None and not 400 <= self.status <= 599:
            raise ValueError("status: permitidos: 400 a 599")
        if self.effect == "latency" and self.latency_ms is None:
            raise ValueError("latency_ms: obrigatório para effect=latency (1 a 120000)")
        if self.codigo is not None and (
            self.service != "tramita" or not self.codigo.isdigit() or len(self.codigo) != 4
        ):
            raise ValueError("codigo: só para tramita; 4 dígitos (ex.: 0044)")
        if self.count is not None and self.probability is not None:
            raise ValueError("count: use count ou probability, não os dois")
        if self.persona is not None:
            digits = "".join(c for c in self.persona if c.isdigit())
            if len(digits) != 11:
                raise ValueError("persona: CPF com 11 dígitos")
            self.persona = digits
        if self.expires_in is not None:
            try:
                seconds = parse_duration(self.expires_in)
            except DurationError as exc:
                raise ValueError(f"expires_in: {exc}") from None
            if seconds <= 0:
                raise ValueError("expires_in: deve ser positivo (ex.: 10m)")
        if self.endpoint is None and self.effect in EFFECT_ENDPOINT:
            self.endpoint = EFFECT_ENDPOINT[self.effect]
        return self

    def expiry_seconds(self) -> float:
        return parse_duration(self.expires_in) if self.expires_in is not None else DEFAULT_EXPIRY_SECONDS


class FaultRule(BaseModel):
    """A stored rule, as the registry lists it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    ente: str
    service: str
    endpoint: str | None = None
    effect: str
    status: int | None = None
    codigo: str | None = None
    latency_ms: int | None = None
    count: int | None = None
    remaining: int | None = None
    probability: float | None = None
    client_id: str | None = None
    system_id: str | None = None
    persona: str | None = None
    description: str | None = None
    created_at: datetime
    expires_at: datetime

    @property
    def generic(self) -> bool:
        return self.effect in GENERIC_EFFECTS

    def applies(
        self,
        now: datetime,
        *,
        service: str,
        endpoint: str | None,
        ente: str | None = None,
        client_id: str | None = None,
        system_id: str | None = None,
        persona: str | None = None,
        effects: tuple[str, ...] | None = None,
    ) -> bool:
        """Does this rule hit this request? (Counting and probability are decided by ``roll``.)"""
        if self.service != service or now >= self.expires_at:
            return False
        if self.remaining is not None and self.remaining <= 0:
            return False
        if effects is not None and self.effect not in effects:
            return False
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        if ente is not None and self.ente != ente:
            return False
        for wanted, got in (
            (self.client_id, client_id),
            (self.system_id, system_id),
            (self.persona, persona),
        ):
            if wanted is not None and wanted != got:
                return False
        return True

    def roll(self) -> bool:
        return self.probability is None or random.random() < self.probability


def domain_effects(service: str) -> tuple[str, ...]:
    return DOMAIN_EFFECTS.get(service, ())
