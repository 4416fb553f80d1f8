"""Fault and clock tests run against the real emulators; the Tramita ones reuse the Tramita fixtures."""

from __future__ import annotations

from ..tramita.conftest import tramita, tramita_settings  # noqa: F401
