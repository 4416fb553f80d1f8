"""Fault and clock tests run against the real emulators; they reuse the Tramita and login test stacks."""

from __future__ import annotations

from ..login.conftest import stack  # noqa: F401
from ..tramita.conftest import tramita, tramita_settings  # noqa: F401
