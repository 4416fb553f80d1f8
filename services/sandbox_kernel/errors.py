"""Errors a person can act on: each names the setting to change."""

from __future__ import annotations


class SandboxConfigError(Exception):
    """A problem with the environment or settings, reported as one line, never a traceback."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.message = message
