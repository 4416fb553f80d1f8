"""Settings of login_mock alone (prefix ``SANDBOX_LOGIN_``); the kernel's ``Settings`` has the shared ones.

The issuer URL stays in the kernel: assinatura_mock and ``info`` need it too.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sandbox_kernel.settings import ServiceSettings


class LoginSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_LOGIN_", extra="ignore")

    kid: str = Field(
        "rsa1", description="kid da chave de assinatura dos tokens do login_mock (o real usa rsa1)."
    )
    code_ttl: int = Field(60, ge=5, le=600, description="Validade, em segundos, do code do /authorize.")
