"""Settings of the Tramita mock only (prefix ``SANDBOX_TRAMITA_``), registered in ``services.SERVICES``.

``tls`` is read here and nowhere else: the kernel asks this class when it prints tramita's URL.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sandbox_kernel.settings import ServiceSettings

EIGHT_DAYS = 8 * 24 * 3600


class TramitaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_TRAMITA_", extra="ignore")

    idle_seconds: float = Field(
        EIGHT_DAYS,
        gt=0,
        description="Tempo parado (em 1–4) até o cancelamento automático (situação 10). Real: 8 dias corridos.",
    )
    expiry_check_seconds: float = Field(
        60.0, gt=0, description="Intervalo da verificação de trâmites parados."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Endereços de proxies reversos autorizados a repassar o certificado do cliente no cabeçalho.",
    )
    client_cert_header: str = Field(
        "X-SSL-Client-Cert",
        description="Cabeçalho com o certificado do cliente (PEM, URL-encoded como o $ssl_client_escaped_cert do nginx).",
    )
    require_client_cert: bool = Field(
        False,
        description="TLS: exigir certificado no handshake (CERT_REQUIRED). Padrão: CERT_OPTIONAL e recusa na API "
        "com uma mensagem clara.",
    )
    tls: bool = Field(
        True, description="Servir HTTPS (com TLS mútuo). false só atrás de um proxy que termina o TLS."
    )
    robots: bool = Field(True, description="Liga os robôs (aceita, recusa, silencioso, envia).")
    robot_send_interval_seconds: float = Field(
        0,
        ge=0,
        description="O robô que envia manda um processo de exemplo a cada N segundos (0: só sob demanda).",
    )
    longpoll_seconds: float = Field(
        240, gt=0, description="Tempo máximo de espera do serviço de pendências (long polling)."
    )
