"""assinatura events. Register each with `@catalog.register("assinatura", "<entity>", "<verb>", "<summary>")`."""

from __future__ import annotations

from ..catalog import EventData, catalog  # noqa: F401
