"""Settings of the console alone (prefix ``SANDBOX_CONSOLE_``); its port and the shared ones are in the kernel."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sandbox_kernel.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_CONSOLE_", extra="ignore")

    session_hours: float = Field(8.0, gt=0, description="Validade da sessão do console, em horas.")
    memory_events: int = Field(
        5000, ge=100, description="Eventos recentes mantidos em memória para os fluxos ao vivo."
    )
    key_cache_seconds: float = Field(
        10.0, ge=0, description="Por quanto tempo uma chave validada no registry vale sem nova consulta."
    )
    secure_cookie: bool = Field(
        False,
        description="Cookie de sessão só em HTTPS: ligue atrás de um proxy TLS (com SANDBOX_TLS já vale).",
    )
