"""The bad days as events: clock changes, fault rules created and removed, and every injected fault."""

from __future__ import annotations

from ..catalog import EventData, catalog


@catalog.register(
    "registry", "clock", "changed", "O relógio virtual de um ente andou (ou voltou ao normal): só esse ente."
)
class ClockChanged(EventData):
    ente: str
    offset_seconds: float
    by_seconds: float
    now: str  # the ente's virtual time right after the change (ISO 8601, UTC)


@catalog.register("registry", "fault", "created", "Uma regra de falha foi criada para o ente.")
class FaultCreated(EventData):
    rule_id: str
    ente: str
    service: str
    endpoint: str | None
    effect: str
    status: int | None = None
    count: int | None = None
    probability: float | None = None
    expires_at: str
    client_id: str | None = None
    system_id: str | None = None
    persona: str | None = None
    description: str | None = None


@catalog.register(
    "registry", "fault", "removed", "Uma regra de falha deixou de valer (removida ou esgotada)."
)
class FaultRemoved(EventData):
    rule_id: str
    ente: str
    reason: str  # removida | esgotada | ente_removido


@catalog.register(
    ("login", "assinatura", "tramita"),
    "fault",
    "injected",
    "Uma resposta foi alterada por uma regra de falha do ente (não é um defeito do emulador).",
)
class FaultInjected(EventData):
    rule_id: str
    ente: str
    effect: str
    endpoint: str | None
    method: str
    path: str
    status: int | None = None
    latency_ms: int | None = None
    client_id: str | None = None
    system_id: str | None = None
    persona: str | None = None
    description: str | None = None
