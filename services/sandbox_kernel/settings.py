"""Every setting of the sandbox, read from the environment (prefix ``SANDBOX_``).

The README has one table of these; keep the two in step. ``KAFKA_BOOTSTRAP_SERVERS`` is also read
without the prefix, because that is the name every Kafka tool and compose file already uses.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import SandboxConfigError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path(".sandbox"), description="Onde ficam bancos SQLite, PKI e arquivos gerados.")
    database_url: str | None = Field(
        None,
        description="URL SQLAlchemy de um PostgreSQL (ex.: postgresql+asyncpg://postgres@127.0.0.1:5432/test). "
        "Vazio: um arquivo SQLite por serviço no data dir.",
    )
    kafka_bootstrap_servers: str | None = Field(
        None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "SANDBOX_KAFKA_BOOTSTRAP_SERVERS"),
        description="Kafka externo. Vazio: o sandbox inicia o broker embutido (Tansu).",
    )
    broker_host: str = Field("127.0.0.1", description="Endereço do broker embutido.")
    broker_port: int = Field(9092, description="Porta do broker embutido.")
    event_mode: Literal["binary", "structured"] = Field(
        "binary", description="Modo de conteúdo CloudEvents no Kafka: cabeçalhos ce_* ou JSON estruturado."
    )
    topic_namespace: str = Field(
        "", description="Prefixo opcional dos tópicos (ex.: ci-42 → ci-42.govbr.<ibge>.<serviço>)."
    )
    topic_partitions: int = Field(1, ge=1, description="Partições de cada tópico criado sob demanda.")
    host: str = Field("127.0.0.1", description="Endereço em que os serviços escutam.")
    # Default ports: the 8180–8189 block, off 8080/3000/5000/8000 where client apps usually run (the official
    # PHP examples serve on 8080). New services take the next free port of the block.
    registry_port: int = Field(8180, description="Porta do registry (plano de controle).")
    login_port: int = Field(8181, description="Porta do login_mock (Acesso GOV.BR).")
    assinatura_port: int = Field(8182, description="Porta do assinatura_mock (ITI).")
    tramita_port: int = Field(8183, description="Porta do tramita_mock (Tramita GOV.BR).")
    admin_token: str | None = Field(
        None,
        description="Token de administrador do registry. Vazio: gerado no primeiro início e guardado em "
        "<data dir>/admin-token (veja `govbr-sandbox info --json`).",
    )
    registry_url: str | None = Field(
        None, description="URL do registry para os outros serviços. Vazio: http://<host>:<registry_port>."
    )
    personas_file: Path | None = Field(
        None, description="Arquivo YAML/JSON com personas extras, validado com rigor na partida do registry."
    )
    login_issuer: str | None = Field(
        None,
        description="URL pública do login_mock (issuer, com a barra final como o real). Vazio: http://<host>:<login_port>/.",
    )
    login_kid: str = Field(
        "rsa1", description="kid da chave de assinatura dos tokens do login_mock (o real usa rsa1)."
    )
    login_code_ttl: int = Field(60, ge=5, le=600, description="Validade, em segundos, do code do /authorize.")
    relay_batch_size: int = Field(500, ge=1, description="Eventos publicados por lote pelo relay do outbox.")
    outbox_retention: timedelta = Field(
        timedelta(days=7),
        description="Por quanto tempo o outbox guarda eventos já entregues (o log durável que é republicado "
        "quando o broker volta vazio): segundos ou ISO 8601 (P7D). Eventos pendentes nunca são apagados.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Nível de log.")

    @property
    def embedded_broker(self) -> bool:
        return not self.kafka_bootstrap_servers

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"{self.broker_host}:{self.broker_port}"

    @property
    def registry_base_url(self) -> str:
        return (self.registry_url or f"http://{self.host}:{self.registry_port}").rstrip("/")

    @property
    def login_issuer_url(self) -> str:
        base = self.login_issuer or f"http://{self.host}:{self.login_port}/"
        return base if base.endswith("/") else base + "/"

    def port_of(self, service: str) -> int:
        return getattr(self, f"{service}_port")

    def as_env(self) -> dict[str, str]:
        """These settings as environment variables, to hand them to a child process."""
        env = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        for name, value in self.model_dump(mode="json", exclude={"kafka_bootstrap_servers"}).items():
            if value is not None:
                env[f"SANDBOX_{name.upper()}"] = str(value)
        return env


@lru_cache
def get_settings() -> Settings:
    return Settings()


def load_settings() -> Settings:
    """Settings for the CLI: a bad value becomes one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise SandboxConfigError(f"SANDBOX_{field.upper()}", first["msg"]) from None
