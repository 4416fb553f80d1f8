"""Errors a person can act on: each names the setting to change."""

from __future__ import annotations


class SandboxConfigError(Exception):
    """A problem with the environment or settings, reported as one line, never a traceback."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.message = message


def broker_unreachable(bootstrap_servers: str, embedded: bool) -> SandboxConfigError:
    """The Kafka broker did not answer a CLI command that reads events (``events tail``, ``readiness``)."""
    return SandboxConfigError(
        "SANDBOX_BROKER_PORT" if embedded else "KAFKA_BOOTSTRAP_SERVERS",
        f"o broker Kafka não responde em {bootstrap_servers}: o sandbox está rodando? (govbr-sandbox up) / "
        "confira KAFKA_BOOTSTRAP_SERVERS ou SANDBOX_BROKER_PORT (as mesmas variáveis do `up`)",
    )
