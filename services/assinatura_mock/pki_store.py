"""Keeps the sandbox signing PKI in a directory: made once, then reused by every start (and by every
service process sharing the data dir: a file lock makes one of them create it, the others load it)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from .domain import certificates as certs
from .domain.certificates import KeyPair, Urls


@dataclass(frozen=True)
class SigningPKI:
    root: KeyPair
    intermediate: KeyPair
    final: KeyPair
    eat: KeyPair
    tsa: KeyPair
    alvara: KeyPair
    urls: Urls
    dir: Path

    @property
    def chain(self) -> list[KeyPair]:
        """Final → Intermediária → Raiz: what a validator needs above a citizen's certificate."""
        return [self.final, self.intermediate, self.root]

    @property
    def all_cas(self) -> list[KeyPair]:
        return [self.root, self.intermediate, self.final, self.eat]

    def chain_pem(self) -> bytes:
        return b"".join(k.cert_pem for k in [*self.chain, self.eat])

    def chain_p7b(self) -> bytes:
        return pkcs7.serialize_certificates(
            [k.certificate for k in [*self.chain, self.eat]], serialization.Encoding.DER
        )

    def crl_issuer(self, stem: str) -> KeyPair | None:
        return {
            "raiz": self.root,
            "intermediaria": self.intermediate,
            "final": self.final,
            "eat": self.eat,
        }.get(stem)


def load_or_create(directory: Path, urls: Urls, ca_key_bits: int = 4096) -> SigningPKI:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        root = _kept(directory, "raiz", lambda: certs.make_root(certs.new_key(ca_key_bits)))
        intermediate = _kept(
            directory,
            "intermediaria",
            lambda: certs.make_intermediate(certs.new_key(ca_key_bits), root, urls),
        )
        final = _kept(
            directory, "final", lambda: certs.make_final(certs.new_key(ca_key_bits), intermediate, urls)
        )
        eat = _kept(directory, "eat", lambda: certs.make_eat(certs.new_key(ca_key_bits), root, urls))
        tsa = _kept(directory, "tsa", lambda: certs.make_tsa(certs.new_key(2048), eat, urls))
        alvara = _kept(directory, "alvara", lambda: certs.make_alvara(tsa, eat))
    return SigningPKI(root, intermediate, final, eat, tsa, alvara, urls, directory)


def _kept(directory: Path, stem: str, make: Callable[[], KeyPair]) -> KeyPair:
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    if cert_path.exists() and key_path.exists():
        return KeyPair.from_pem(cert_path.read_bytes(), key_path.read_bytes())
    made = make()
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(made.key_pem)
    tmp = cert_path.with_suffix(".tmp")
    tmp.write_bytes(made.cert_pem)
    tmp.replace(cert_path)  # the certificate appears last: its presence means the pair is complete
    return made
