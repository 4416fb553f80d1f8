"""``govbr-sandbox info --json``: everything automation needs to talk to a running sandbox."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .events.catalog import EVENT_SERVICES
from .events.topics import NO_ENTE, topic_for
from .secrets import admin_token_path
from .services import SERVICES
from .settings import Settings
from .trust import hosts_line

# Where the registry package ships its default personas (read as a file: the kernel imports no service).
DEFAULT_PERSONAS_FILE = (
    Path(__file__).resolve().parent.parent / "registry" / "domain" / "personas_default.yaml"
)


def sandbox_info(settings: Settings) -> dict[str, Any]:
    values = settings.values()
    services: dict[str, dict[str, Any]] = {}
    for s in SERVICES.values():
        url = s.url(settings)
        services[s.package] = {
            "url": url,
            "port": settings.port_of(s.name),
            "health": f"{url}/sandbox/health",
            "docs": f"{url}/docs",
            "replaces": list(s.replaces),
        }
        if settings.real_hosts:
            services[s.package]["real_urls"] = [settings.real_host_url(h) for h in s.replaces]
    registry_url = services["registry"]["url"]
    ns = settings.topic_namespace
    data_dir = settings.data_dir
    token_file = admin_token_path(settings)
    admin = settings.admin_token or (token_file.read_text().strip() if token_file.exists() else None)
    seed = _json_file(data_dir / "seed.json")
    root_ca = data_dir / "pki" / "raiz-sandbox.crt"
    return {
        "version": __version__,
        "data_dir": str(settings.data_dir.resolve()),
        "database": "postgresql" if settings.database_url else "sqlite",
        "kafka": {
            "bootstrap_servers": settings.bootstrap_servers,
            "embedded": settings.embedded_broker,
            "event_mode": settings.event_mode,
            "topic_namespace": ns,
        },
        "services": services,
        "topics": {
            "sandbox": [topic_for(svc, None, ns) for svc in EVENT_SERVICES],
            "per_ente": topic_for("{service}", "{ibge}", ns),
            "no_ente": NO_ENTE,
        },
        "asyncapi": f"{registry_url}/sandbox/registry/asyncapi.json",
        "registry": {
            "api": f"{registry_url}/sandbox/registry",
            "admin_token": admin,
            "admin_token_file": str(token_file.resolve()),
        },
        "login": {
            "issuer": settings.login_issuer_url,
            "discovery": settings.login_issuer_url + ".well-known/openid-configuration",
            "jwks": settings.login_issuer_url + "jwk",
            "client": (seed or {}).get("login_client"),
        },
        "assinatura": {
            "cadeia_pem": services["assinatura_mock"]["url"] + "/sandbox/cadeia.pem",
            "cadeia_p7b": services["assinatura_mock"]["url"] + "/sandbox/cadeia.p7b",
            "verificar": services["assinatura_mock"]["url"] + "/sandbox/verificar",
            "client": (seed or {}).get("assinatura_client"),
        },
        "personas": {
            "url": f"{registry_url}/sandbox/registry/personas",
            "default_file": str(DEFAULT_PERSONAS_FILE),
            "extra_file": values["SANDBOX_PERSONAS_FILE"],
        },
        "pki": {
            "root_ca_path": str(root_ca.resolve()) if root_ca.exists() else None,
            "ca_chain_url": f"{registry_url}/sandbox/registry/ca.pem",
        },
        "console": {
            "url": services["console"]["url"],
            "eventos": services["console"]["url"] + "/api/eventos",
        },
        "https": {
            "tls": settings.https,
            "real_hosts": settings.real_hosts,
            "real_hosts_port": settings.real_hosts_port,
            "hosts_line": hosts_line(settings),
        },
        # What tramita_mock wrote about itself (base URLs, CA paths, robot units and systems; no secrets).
        "tramita": _json_file(data_dir / "tramita" / "info.json"),
        # The default seed (credentials, certificate paths, robot units), once the registry first started.
        "seed": seed,
        # Every setting, the kernel's and each service's own, by environment variable.
        "settings": values,
    }


def missing_data_hint(settings: Settings) -> str | None:
    """Why ``info`` and the admin commands know nothing of a sandbox, when they don't: they read the data dir
    ``up`` wrote (relative to the current directory unless SANDBOX_DATA_DIR is absolute)."""
    data_dir = settings.data_dir
    if settings.admin_token or admin_token_path(settings).exists() or (data_dir / "seed.json").exists():
        return None
    source = (
        "SANDBOX_DATA_DIR" if os.environ.get("SANDBOX_DATA_DIR") else "padrão, SANDBOX_DATA_DIR não definida"
    )
    return (
        f"nenhum dado do sandbox em {data_dir.resolve()} ({source}): "
        "rode a CLI no mesmo diretório e com as mesmas variáveis SANDBOX_* de `govbr-sandbox up` "
        "(ou aponte SANDBOX_DATA_DIR para a pasta de dados dele)"
    )


def _json_file(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
