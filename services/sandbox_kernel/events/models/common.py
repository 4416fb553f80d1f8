"""Events every service emits."""

from __future__ import annotations

from ..catalog import EVENT_SERVICES, EventData, catalog


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
