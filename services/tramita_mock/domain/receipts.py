"""Receipts (reference §6.4 and §2.5).

Recibo de conclusão: the recipient signs, with SHA256withRSA (RSA PKCS#1 v1.5), the UTF-8 bytes of
``<recibo><IDT>…</IDT><NRE>…</NRE><dataDeRecebimento>…</dataDeRecebimento><hashDoComponenteDigital>…
</hashDoComponenteDigital>…</recibo>`` with one hash per downloaded component, sorted ascending (what SEI
and SUAP do). The platform rebuilds that string from its own data plus the date the recipient sent and
checks the signature against the recipient's certificate. The Java SOAP client does not sort, so the
unsorted order (the order of the metadata) is accepted too.

Recibo de envio: the text the real platform signs is not public; the sandbox signs the analogous
``<reciboDeEnvio>…</reciboDeEnvio>`` string (sorted hashes) with its platform key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def recibo_text(
    idt: int | str, nre: str, data_de_recebimento: str, hashes_: Iterable[str], *, sort: bool = True
) -> str:
    items = sorted(hashes_) if sort else list(hashes_)
    body = "".join(f"<hashDoComponenteDigital>{h}</hashDoComponenteDigital>" for h in items)
    return (
        f"<recibo><IDT>{idt}</IDT><NRE>{nre}</NRE>"
        f"<dataDeRecebimento>{data_de_recebimento}</dataDeRecebimento>{body}</recibo>"
    )


def recibo_de_envio_text(idt: int | str, nre: str, data: str, hashes_: Iterable[str]) -> str:
    body = "".join(f"<hashDoComponenteDigital>{h}</hashDoComponenteDigital>" for h in sorted(hashes_))
    return (
        f"<reciboDeEnvio><IDT>{idt}</IDT><NRE>{nre}</NRE>"
        f"<dataDeRecebimentoDoUltimoComponenteDigital>{data}</dataDeRecebimentoDoUltimoComponenteDigital>"
        f"{body}</reciboDeEnvio>"
    )


def sign(text: str, key: rsa.RSAPrivateKey) -> str:
    """Base64 of the SHA256withRSA signature of the UTF-8 text (what clients and the platform do)."""
    return base64.b64encode(key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())).decode()


class ReciboInvalido(Exception):
    pass


def verify(text_candidates: Iterable[str], signature_b64: str, certificate: x509.Certificate) -> str:
    """Return the candidate text the signature verifies for; raise ``ReciboInvalido`` saying why not."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ReciboInvalido("hashDaAssinatura não é Base64 válido") from None
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ReciboInvalido("o certificado do destinatário não tem chave RSA")
    for text in text_candidates:
        try:
            public_key.verify(signature, text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
            return text
        except InvalidSignature:
            continue
    raise ReciboInvalido(
        "a assinatura SHA256withRSA não confere com o texto <recibo> reconstruído (IDT, NRE, "
        "dataDeRecebimento enviada e hashes dos componentes baixados, em ordem crescente)"
    )
