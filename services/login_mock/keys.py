"""The one RSA signing key the JWKS publishes (clients read ``keys[0]``), kept in the data dir."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from joserfc.jwk import RSAKey

from sandbox_kernel.pki import key_pem, new_key


class SigningKey:
    def __init__(self, directory: Path, default_kid: str) -> None:
        self.directory = directory
        self.default_kid = default_kid
        self.kid, self.key = self._load()

    def _load(self) -> tuple[str, RSAKey]:
        pem, meta = self.directory / "signing-key.pem", self.directory / "signing-key.json"
        if pem.exists() and meta.exists():
            private = serialization.load_pem_private_key(pem.read_bytes(), password=None)
            return json.loads(meta.read_text())["kid"], RSAKey.import_key(private)  # type: ignore[arg-type]  # the PEM we wrote holds an RSA key
        return self._write(self.default_kid)

    def _write(self, kid: str) -> tuple[str, RSAKey]:
        self.directory.mkdir(parents=True, exist_ok=True)
        private = new_key()
        pem = self.directory / "signing-key.pem"
        pem.touch(mode=0o600)
        pem.write_bytes(key_pem(private))
        (self.directory / "signing-key.json").write_text(json.dumps({"kid": kid}))
        return kid, RSAKey.import_key(private)

    def rotate(self, kid: str | None = None) -> str:
        """Replace the key; the JWKS keeps publishing exactly one. Tokens signed before stop verifying."""
        self.kid, self.key = self._write(kid or _next_kid(self.kid))
        return self.kid

    def jwks(self) -> dict:
        public = self.key.as_dict(private=False)
        return {"keys": [{"kty": "RSA", "e": public["e"], "kid": self.kid, "alg": "RS256", "n": public["n"]}]}


def _next_kid(kid: str) -> str:
    match = re.match(r"^(.*?)(\d+)$", kid)
    return f"{match.group(1)}{int(match.group(2)) + 1}" if match else f"{kid}2"
