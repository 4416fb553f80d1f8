"""The RSA signing key the JWKS publishes (clients read ``keys[0]``), kept in the data dir — and the next one.

The *next* key exists for the ``jwks_rotation`` fault (reference acesso-govbr.md §2.3): the tokens of the
requests a rule hits are signed with it (a new ``kid``, the one after the current: ``rsa1`` → ``rsa2``), and
``/jwk`` publishes it **after** the current key while a rotation rule exists and until the last token it
signed has expired — the way a real provider announces a new key. ``keys[0]`` stays the current key, so
clients of other entes see only an extra key. ``POST /sandbox/jwk/rotate`` promotes the next key when there
is one (what was announced becomes the only key), otherwise it makes a fresh one.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from joserfc.jwk import KeySet, RSAKey

from sandbox_kernel.pki import key_pem, new_key

CURRENT, NEXT = "signing-key", "next-signing-key"


class SigningKey:
    def __init__(self, directory: Path, default_kid: str) -> None:
        self.directory = directory
        self.default_kid = default_kid
        loaded = self._read(CURRENT)
        self.kid, self.key = loaded[:2] if loaded else self._write(CURRENT, default_kid)
        self._next = self._read(NEXT)  # (kid, key, published_until) or None
        self._keyset: KeySet | None = None

    # ------------------------------------------------------------------------------------ storage

    def _paths(self, name: str) -> tuple[Path, Path]:
        return self.directory / f"{name}.pem", self.directory / f"{name}.json"

    def _read(self, name: str) -> tuple[str, RSAKey, float] | None:
        pem, meta = self._paths(name)
        if not (pem.exists() and meta.exists()):
            return None
        private = serialization.load_pem_private_key(pem.read_bytes(), password=None)
        info = json.loads(meta.read_text())
        key = RSAKey.import_key(private)  # type: ignore[arg-type]  # the PEM we wrote holds an RSA key
        return info["kid"], key, float(info.get("published_until", 0))

    def _write(self, name: str, kid: str, private=None) -> tuple[str, RSAKey]:
        self.directory.mkdir(parents=True, exist_ok=True)
        private = private or new_key()
        pem, meta = self._paths(name)
        pem.touch(mode=0o600)
        pem.write_bytes(key_pem(private))
        meta.write_text(json.dumps({"kid": kid}))
        return kid, RSAKey.import_key(private)

    def _write_meta(self, name: str, kid: str, published_until: float) -> None:
        self._paths(name)[1].write_text(json.dumps({"kid": kid, "published_until": published_until}))

    def _drop_next(self) -> None:
        for path in self._paths(NEXT):
            path.unlink(missing_ok=True)
        self._next, self._keyset = None, None

    # ----------------------------------------------------------------------------------- rotation

    def rotate(self, kid: str | None = None) -> str:
        """Replace the key; the JWKS keeps publishing exactly one. Tokens signed before stop verifying.

        An announced next key (``jwks_rotation``) becomes the key, unless another ``kid`` is asked for."""
        if self._next is not None and kid in (None, self._next[0]):
            for old, new in zip(self._paths(NEXT), self._paths(CURRENT), strict=True):
                old.replace(new)
            self._paths(CURRENT)[1].write_text(json.dumps({"kid": self._next[0]}))
            self.kid, self.key = self._next[:2]
            self._next, self._keyset = None, None
            return self.kid
        self.kid, self.key = self._write(CURRENT, kid or _next_kid(self.kid))
        self._drop_next()
        return self.kid

    def next_key(self) -> tuple[str, RSAKey]:
        """The key a rotation will bring (made and kept on first use), its ``kid`` the one after the current."""
        if self._next is None:
            kid, key = self._write(NEXT, _next_kid(self.kid))
            self._next, self._keyset = (kid, key, 0.0), None
        return self._next[0], self._next[1]

    def sign_with_next(self, lifetime: float) -> tuple[str, RSAKey]:
        """The next key, for a token valid ``lifetime`` seconds: the JWKS publishes it at least that long."""
        kid, key = self.next_key()
        assert self._next is not None
        until = max(self._next[2], time.time() + lifetime)
        if until > self._next[2]:
            self._next = (kid, key, until)
            self._write_meta(NEXT, kid, until)
        return kid, key

    # ----------------------------------------------------------------------------------- publishing

    def jwks(self, announce_next: bool = False) -> dict:
        """The current key first (``keys[0]``); the next one after it while announced or still needed."""
        keys = [_public(self.kid, self.key)]
        if announce_next:
            self.next_key()
        if self._next is not None and (announce_next or time.time() < self._next[2]):
            keys.append(_public(self._next[0], self._next[1]))
        return {"keys": keys}

    def verification_keys(self) -> KeySet:
        """Every key whose tokens this provider still accepts (userinfo, logout hints), chosen by ``kid``."""
        if self._keyset is None:
            keys = [(self.kid, self.key)] + ([self._next[:2]] if self._next is not None else [])
            self._keyset = KeySet(
                [RSAKey.import_key(key.as_dict(private=False), {"kid": kid}) for kid, key in keys]
            )
        return self._keyset


def _public(kid: str, key: RSAKey) -> dict:
    public = key.as_dict(private=False)
    return {"kty": "RSA", "e": public["e"], "kid": kid, "alg": "RS256", "n": public["n"]}


def _next_kid(kid: str) -> str:
    match = re.match(r"^(.*?)(\d+)$", kid)
    return f"{match.group(1)}{int(match.group(2)) + 1}" if match else f"{kid}2"
