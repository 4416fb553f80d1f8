"""Settings of the registry alone; the kernel's ``Settings`` has the shared ones (ports, admin token, URL).

``SANDBOX_PERSONAS_FILE`` keeps its historic name (no ``REGISTRY_`` in it): users already set it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sandbox_kernel.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="ignore")

    personas_file: Path | None = Field(
        None, description="Arquivo YAML/JSON com personas extras, validado com rigor na partida do registry."
    )
