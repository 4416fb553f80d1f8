"""What a persona releases, claim by claim, per scope (reference acesso-govbr.md §3).

The manual contradicts itself in places (§3.3): ``sub`` formatting and ``"true"`` vs ``true``. The documented
default is chosen here, and each client may pick the other form (registry fields ``sub_format`` and
``verified_as_string``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sandbox_kernel.documents import format_cpf

BRT = timezone(timedelta(hours=-3))
RELIABILITY_LEVELS = {"bronze": "bronze", "prata": "silver", "ouro": "gold"}
LEVEL_IDS = {"bronze": "1", "prata": "2", "ouro": "3"}


def govbr_timestamp(value: str | datetime) -> str:
    """The platform's ``2025-07-02T14:17:16.001-0300`` form: milliseconds, Brasília offset without colon."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.astimezone(BRT)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


# 000.000.000-00, as people read it; the kernel's (kept under this name for routes/authorize.py).
display_cpf = format_cpf


def company_certificate(persona: dict) -> dict | None:
    """A persona that logs in with a company (e-CNPJ) certificate: x509 amr and a legal representation."""
    if "x509" not in persona.get("amr", []):
        return None
    for empresa in persona.get("empresas", []):
        if empresa.get("atuacao") == "REPRESENTANTE_LEGAL":
            return empresa
    return None


def reliability_info(persona: dict) -> dict:
    return {
        "level": RELIABILITY_LEVELS[persona["nivel"]],
        "reliabilities": [
            {"id": s["id"], "updatedAt": govbr_timestamp(s["updated_at"])} for s in persona["selos"]
        ],
    }


def _verified(value: bool, as_string: bool) -> bool | str:
    return ("true" if value else "false") if as_string else value


def profile_claims(persona: dict, scopes: list[str], urls: dict, *, verified_as_string: bool = False) -> dict:
    """Identity claims shared by the id_token and userinfo (email/phone omitted when not verified)."""
    claims: dict = {}
    if "profile" in scopes:
        claims["name"] = persona["nome"]
        if persona.get("nome_social"):
            claims["social_name"] = persona["nome_social"]
        claims["profile"] = urls["profile"]
        claims["picture"] = urls["picture"]
    if "email" in scopes and persona.get("email"):
        verified = bool(persona.get("email_verificado"))
        if verified:
            claims["email"] = persona["email"]
        claims["email_verified"] = _verified(verified, verified_as_string)
    if "phone" in scopes and persona.get("telefone"):
        verified = bool(persona.get("telefone_verificado"))
        if verified:
            claims["phone_number"] = persona["telefone"].removeprefix("+55")
        claims["phone_number_verified"] = _verified(verified, verified_as_string)
    return claims


def userinfo(persona: dict, scopes: list[str], urls: dict) -> dict:
    """``GET /userinfo``: booleans are JSON booleans here, as the roteiro's example shows."""
    return {"sub": persona["cpf"], **profile_claims(persona, scopes, urls)}


# The 2019–2020 seal levels of ``GET /api/info/usuario/selo`` (acesso-govbr.md §4.4), reached from today's seal
# ids (§4.3) by the sandbox's reading: the old API grouped seals by how the account was validated.
LEGACY_SEAL_LEVELS = {
    "1": (101, "Previdência (INSS)"),
    "2": (1, "Conformidade"),
    "3": (2, "Servidor Público"),
    "4": (4, "Biometria"),
    "5": (5, "Convalidação (Balcão)"),
    "6": (1, "Conformidade"),
    "7": (4, "Biometria"),
    "8": (3, "Certificado Digital"),
    "9": (4, "Biometria"),
}
LEGACY_COMPANY_LEVEL = (11, "REPRESENTANTE E-CNPJ")


def legacy_seals(persona: dict) -> list[dict]:
    """``[{"id": 0, "nivel": <int>, "descricao": ...}]``: one item per legacy level the persona holds."""
    levels = [LEGACY_SEAL_LEVELS[s["id"][0]] for s in persona["selos"] if s["id"][:1] in LEGACY_SEAL_LEVELS]
    if company_certificate(persona):
        levels.append(LEGACY_COMPANY_LEVEL)
    return [{"id": 0, "nivel": nivel, "descricao": text} for nivel, text in dict.fromkeys(levels)]
