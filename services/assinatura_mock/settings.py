"""Settings of assinatura_mock alone (prefix ``SANDBOX_ASSINATURA_``); the kernel's ``Settings`` has the
shared ones. Registered in ``sandbox_kernel.services.SERVICES``, so ``info --json``, ``as_env()`` and the
README table see them. Most are choices where the real platform is unconfirmed or changed over time
(reference assinatura-govbr.md §3.3, §8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sandbox_kernel.settings import ServiceSettings


class AssinaturaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_ASSINATURA_", extra="ignore")

    login: Literal["govbr", "personas"] = Field(
        "govbr",
        description="Quem autentica o usuário: govbr (o login_mock, como o CAS real delega ao gov.br) ou "
        "personas (uma escolha de persona no próprio assinatura_mock, para usá-lo sem o login_mock).",
    )
    timestamp: bool = Field(
        True,
        description="Inclui um carimbo do tempo RFC 3161 (signatureTimeStampToken) de uma TSA do sandbox, "
        "como o staging desde 2023-08.",
    )
    encoding: Literal["ber", "der"] = Field(
        "ber", description="Codificação do CMS: ber (comprimentos indefinidos, como o real) ou der."
    )
    pki_dir: Path | None = Field(
        None,
        description="Onde ficam as ACs do sandbox (Raiz, Intermediária, Final, TSA). Vazio: <data dir>/pki/assinatura.",
    )
    ca_key_bits: int = Field(4096, description="Tamanho das chaves RSA das ACs (as reais têm 4096).")
    token_ttl: int = Field(600, ge=10, le=86400, description="expires_in do /oauth2.0/token, em segundos.")
    code_ttl: int = Field(300, ge=10, le=3600, description="Validade do code de autorização, em segundos.")
    session_limit: int = Field(
        100, ge=1, le=10000, description="Assinaturas por token signature_session (o manual diz até 100)."
    )
    consent_code: str = Field("12345", description="Código aceito na tela de autorização (como no staging).")
    certificate_days: int = Field(365, ge=1, le=3650, description="Validade do certificado do usuário.")
    public_url: str | None = Field(
        None,
        description="URL base usada nos certificados (LCR, cadeia). Vazio: http://<host>:<assinatura_port>.",
    )
