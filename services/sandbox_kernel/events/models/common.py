"""Events every service emits."""

from __future__ import annotations

from ..catalog import EVENT_SERVICES, EventData, catalog


class RefusalData(EventData):
    """The one shape of every refusal, in every service: ``check`` (a closed enum, declared by each event),
    ``reason`` (Portuguese: what was wrong and what to change), ``expected`` and ``reference`` (the section of
    the reference documenting the rule, e.g. "acesso-govbr.md §2.2")."""

    reason: str
    expected: str | None = None
    reference: str | None = None


@catalog.register(
    EVENT_SERVICES, "service", "started", "O serviço iniciou e o caminho até o Kafka está de pé."
)
class ServiceStarted(EventData):
    service: str
    version: str
    url: str
    pid: int
    database_backend: str
    kafka_bootstrap_servers: str
    event_mode: str


@catalog.register(
    EVENT_SERVICES,
    "ping",
    "received",
    "POST /sandbox/ping: prova de ponta a ponta que seu consumidor recebe eventos.",
)
class PingReceived(EventData):
    message: str
    ente: str | None = None
