"""``hashBase64`` of ``assinarPKCS7``: standard Base64 of the raw 32-byte SHA-256 digest (reference
assinatura-govbr.md §3.2, §5.1). Anything else is refused with a message that names the usual mistake.
"""

from __future__ import annotations

import base64
import binascii
import re

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")

HOW = "envie o Base64 padrão dos 32 bytes do SHA-256, ex.: base64(sha256(conteúdo).digest())"


class HashError(ValueError):
    """``check`` names the mistake for events and tests; the message (Portuguese) explains it."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


def parse_hash_base64(value: object) -> bytes:
    if value is None:
        raise HashError("hash_ausente", f"Campo hashBase64 ausente no corpo JSON; {HOW}.")
    if not isinstance(value, str):
        raise HashError(
            "hash_nao_texto", f"hashBase64 deve ser um texto Base64, não {type(value).__name__}; {HOW}."
        )
    text = value.strip()
    if not text:
        raise HashError("hash_vazio", f"hashBase64 está vazio; {HOW}.")
    if _HEX.match(text) and len(text) in (40, 64, 96, 128):
        algo = {40: "SHA-1", 64: "SHA-256", 96: "SHA-384", 128: "SHA-512"}[len(text)]
        raise HashError(
            "hash_hexadecimal",
            f"hashBase64 parece um {algo} em hexadecimal ({len(text)} caracteres 0-9a-f), não Base64; {HOW}.",
        )
    if not _B64.match(text):
        if _B64URL.match(text):
            raise HashError(
                "hash_base64url",
                f"hashBase64 usa o alfabeto Base64 URL-safe (- e _); use o Base64 padrão (+ e /); {HOW}.",
            )
        raise HashError("hash_nao_base64", f"hashBase64 não é Base64 válido; {HOW}.")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise HashError("hash_nao_base64", f"hashBase64 não é Base64 válido; {HOW}.") from None
    if len(raw) == 32:
        return raw
    ascii_text = raw.decode("ascii", "replace")
    if _HEX.match(ascii_text) and len(ascii_text) in (40, 64):
        raise HashError(
            "hash_base64_de_hexadecimal",
            "hashBase64 é o Base64 do hash em hexadecimal (hexdigest) e não dos 32 bytes do digest; "
            + HOW
            + ".",
        )
    if len(raw) == 44 and _B64.match(ascii_text):
        raise HashError("hash_base64_duplo", f"hashBase64 foi codificado em Base64 duas vezes; {HOW}.")
    names = {20: "SHA-1", 28: "SHA-224", 48: "SHA-384", 64: "SHA-512"}
    guess = f" (parece {names[len(raw)]})" if len(raw) in names else ""
    raise HashError(
        "hash_tamanho",
        f"hashBase64 decodifica para {len(raw)} bytes{guess}; o SHA-256 tem 32 bytes; {HOW}.",
    )
