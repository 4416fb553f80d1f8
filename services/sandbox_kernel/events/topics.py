"""Topic names: one topic per ente and service, so a trainee or a CI run sees only its own events."""

from __future__ import annotations

import re

NO_ENTE = "sandbox"  # events that belong to no ente (service lifecycle, global personas)


def topic_for(service: str, ente: str | None, namespace: str = "") -> str:
    name = f"govbr.{ente or NO_ENTE}.{service}"
    return f"{namespace}.{name}" if namespace else name


def topic_pattern(
    namespace: str = "", ente: str | None = None, service: str | None = None
) -> re.Pattern[str]:
    """A regex selecting the topics of an ente and/or service (both optional) within a namespace."""
    prefix = re.escape(f"{namespace}.") if namespace else ""
    ente_part = re.escape(ente) if ente else r"[^.]+"
    service_part = re.escape(service) if service else r"[^.]+"
    return re.compile(rf"^{prefix}govbr\.{ente_part}\.{service_part}$")
