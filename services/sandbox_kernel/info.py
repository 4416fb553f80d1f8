"""``govbr-sandbox info --json``: everything automation needs to talk to a running sandbox."""

from __future__ import annotations

from typing import Any

from . import __version__
from .events.catalog import EVENT_SERVICES
from .events.topics import NO_ENTE, topic_for
from .services import SERVICES
from .settings import Settings


def sandbox_info(settings: Settings) -> dict[str, Any]:
    services = {}
    for s in SERVICES.values():
        url = f"http://{settings.host}:{settings.port_of(s.name)}"
        services[s.package] = {
            "url": url,
            "port": settings.port_of(s.name),
            "health": f"{url}/sandbox/health",
            "docs": f"{url}/docs",
            "replaces": list(s.replaces),
        }
    registry_url = services["registry"]["url"]
    ns = settings.topic_namespace
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
    }
