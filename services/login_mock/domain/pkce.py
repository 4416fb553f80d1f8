"""PKCE (RFC 7636) as the roteiro requires it: S256 only, verifier of 43 to 128 characters."""

from __future__ import annotations

import hmac
import re

from authlib.oauth2.rfc7636 import create_s256_code_challenge

VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def verifier_problem(verifier: str | None, challenge: str) -> str | None:
    """Why ``verifier`` does not match ``challenge`` (Portuguese), or None when it does."""
    if not verifier:
        return "code_verifier ausente"
    if not VERIFIER.match(verifier):
        return "code_verifier deve ter de 43 a 128 caracteres [A-Za-z0-9-._~]"
    if not hmac.compare_digest(create_s256_code_challenge(verifier), challenge):
        return "code_verifier não corresponde ao code_challenge (S256)"
    return None
