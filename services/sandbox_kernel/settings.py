"""Every setting of the sandbox, read from the environment (prefix ``SANDBOX_``).

One pattern for all of them: the kernel's ``Settings`` holds what several services or the CLI read
(data dir, database, Kafka, ports, where the registry and the login issuer are); each service keeps what
only it reads in its own ``settings.py``, a ``ServiceSettings`` subclass named in ``services.SERVICES``.
``Settings.of(LoginSettings)`` hands a service its own settings; ``as_env()``, ``info --json`` and the
README's settings table (tests/test_readme.py) see both kinds. ``KAFKA_BOOTSTRAP_SERVERS`` is also read
without the prefix, because that is the name every Kafka tool and compose file already uses.
"""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from pydantic import AliasChoices, Field, PrivateAttr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import SandboxConfigError


class ServiceSettings(BaseSettings):
    """Settings that one service alone reads. Subclasses set ``env_prefix`` (``SANDBOX_<SERVICE>_``)."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="ignore")


S = TypeVar("S", bound=ServiceSettings)


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
    console_port: int = Field(
        8184, description="Porta do console (eventos, histórias, páginas do ente e da turma)."
    )
    tls: bool = Field(
        False,
        description="Servir HTTPS em todos os serviços, com certificado emitido pela raiz do sandbox "
        "(<data dir>/pki/raiz-sandbox.crt; `govbr-sandbox trust` a instala).",
    )
    real_hosts: bool = Field(
        False,
        description="Modo de nomes reais (`up --real-hosts`): HTTPS com os nomes de staging (sso.staging.acesso.gov.br "
        "etc.) em <host>:<real_hosts_port>, roteados por SNI; issuer e URLs usam esses nomes.",
    )
    real_hosts_port: int = Field(443, description="Porta HTTPS do modo de nomes reais.")
    admin_token: str | None = Field(
        None,
        description="Token de administrador do registry. Vazio: gerado no primeiro início e guardado em "
        "<data dir>/admin-token (veja `govbr-sandbox info --json`).",
    )
    registry_url: str | None = Field(
        None, description="URL do registry para os outros serviços. Vazio: http(s)://<host>:<registry_port>."
    )
    login_issuer: str | None = Field(
        None,
        description="URL pública do login_mock (issuer, com a barra final como o real). Vazio: http(s)://<host>:<login_port>/ (no modo de nomes reais, https://sso.staging.acesso.gov.br/).",
    )
    relay_batch_size: int = Field(500, ge=1, description="Eventos publicados por lote pelo relay do outbox.")
    outbox_retention: timedelta = Field(
        timedelta(days=7),
        description="Por quanto tempo o outbox guarda eventos já entregues (o log durável que é republicado "
        "quando o broker volta vazio): segundos ou ISO 8601 (P7D). Eventos pendentes nunca são apagados.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Nível de log.")

    # Service settings given explicitly (tests, benchmarks); the others are read from the environment.
    _services: dict[type[ServiceSettings], ServiceSettings] = PrivateAttr(default_factory=dict)

    @property
    def embedded_broker(self) -> bool:
        return not self.kafka_bootstrap_servers

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"{self.broker_host}:{self.broker_port}"

    @property
    def https(self) -> bool:
        """Every service serves HTTPS (the real-hosts mode implies it)."""
        return self.tls or self.real_hosts

    @property
    def scheme(self) -> str:
        return "https" if self.https else "http"

    def real_host_url(self, host: str) -> str:
        """``https://<real staging host>`` as the real-hosts front serves it (port only when not 443)."""
        return f"https://{host}" + ("" if self.real_hosts_port == 443 else f":{self.real_hosts_port}")

    @property
    def registry_base_url(self) -> str:
        return (self.registry_url or f"{self.scheme}://{self.host}:{self.registry_port}").rstrip("/")

    @property
    def login_issuer_url(self) -> str:
        if self.login_issuer:
            base = self.login_issuer
        elif self.real_hosts:
            base = self.real_host_url("sso.staging.acesso.gov.br") + "/"
        else:
            base = f"{self.scheme}://{self.host}:{self.login_port}/"
        return base if base.endswith("/") else base + "/"

    def port_of(self, service: str) -> int:
        return getattr(self, f"{service}_port")

    def of(self, cls: type[S]) -> S:
        """A service's own settings: the instance given to ``with_services``, else read from the environment."""
        found = self._services.get(cls)
        if found is None:
            found = self._services[cls] = cls()
        return cast(S, found)

    def with_services(self, *given: ServiceSettings) -> Settings:
        """A copy that hands these service settings to their services (and to child processes, via as_env)."""
        copy = self.model_copy()
        copy._services = {**self._services, **{type(s): s for s in given}}
        return copy

    def values(self) -> dict[str, Any]:
        """Every setting, kernel and services, by environment variable name (JSON values, None when unset)."""
        table = _env_values(self)
        table["KAFKA_BOOTSTRAP_SERVERS"] = self.bootstrap_servers
        for cls in service_settings_classes():
            table.update(_env_values(self.of(cls)))
        return table

    def as_env(self) -> dict[str, str]:
        """These settings as environment variables, to hand them to a child process."""
        return {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in self.values().items()
            if value is not None
        }


def env_names(cls: type[BaseSettings]) -> dict[str, str]:
    """Field name → the environment variable that sets it (the first alias, else prefix + NAME)."""
    prefix = cls.model_config.get("env_prefix", "")
    names = {}
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names[name] = str(alias.choices[0])
        elif isinstance(alias, str):
            names[name] = alias
        else:
            names[name] = f"{prefix}{name}".upper()
    return names


def _env_values(settings: BaseSettings) -> dict[str, Any]:
    dumped = settings.model_dump(mode="json")
    return {env: dumped[name] for name, env in env_names(type(settings)).items()}


@lru_cache
def service_settings_classes() -> tuple[type[ServiceSettings], ...]:
    """Every service's settings class, as ``services.SERVICES`` names them (``package.settings:Class``)."""
    from .services import SERVICES

    classes = []
    for service in SERVICES.values():
        if not service.settings:
            continue
        module, _, name = service.settings.partition(":")
        cls = getattr(importlib.import_module(module), name)
        if not (isinstance(cls, type) and issubclass(cls, ServiceSettings)):
            raise TypeError(f"{service.settings} is not a ServiceSettings subclass")
        classes.append(cls)
    return tuple(classes)


def all_settings_classes() -> tuple[type[BaseSettings], ...]:
    return (Settings, *service_settings_classes())


@lru_cache
def get_settings() -> Settings:
    return Settings()


def load_settings() -> Settings:
    """Settings for the CLI, every service's included: a bad value becomes one line naming the variable."""
    cls: type[BaseSettings] = Settings
    try:
        settings = Settings()
        for cls in service_settings_classes():
            settings.of(cls)
        return settings
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise SandboxConfigError(env_names(cls).get(field, field.upper()), first["msg"]) from None
