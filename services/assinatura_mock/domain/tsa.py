"""A sandbox time-stamping authority (RFC 3161), shaped like the one in staging CMSes since 2023-08
(reference assinatura-govbr.md §3.3): TSTInfo policy 2.16.76.1.6.2, messageImprint = SHA-256 of the
signature value, a nonce and no accuracy, genTime in centiseconds (trailing zeros trimmed), the
"alvará" extension 1.3.6.1.4.1.44588.100.4.2.1; a SignedData whose signed attributes are contentType,
messageDigest and signingCertificateV2 (SHA-512), signed (signatureAlgorithm rsaEncryption) by
``ASSINATURA-CARIMBO SANDBOX`` under ``AC EAT SANDBOX``.

Pure: the serial and the time come from the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from functools import lru_cache

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as ax509

from sandbox_kernel.pki import Issued

from . import der
from .certificates import OID_ALVARA, TSA_POLICY
from .cms import rsa_sign, sha256_algorithm

SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
CONTENT_TYPE_OID = bytes.fromhex("06092a864886f70d010903")
MESSAGE_DIGEST_OID = bytes.fromhex("06092a864886f70d010904")
TST_INFO_OID = bytes.fromhex("060b2a864886f70d0109100104")


def rsa_encryption_algorithm() -> algos.SignedDigestAlgorithm:
    """rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters: what the staging TSA names as its
    SignerInfo signatureAlgorithm (the digest is named apart, in digestAlgorithm)."""
    return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15", "parameters": core.Null()})


def centiseconds(moment: dt.datetime) -> dt.datetime:
    """genTime as the staging TSA writes it: centisecond precision (DER then trims trailing zeros)."""
    return moment.astimezone(dt.UTC).replace(microsecond=moment.microsecond // 10_000 * 10_000)


def timestamp_token(
    imprint: bytes,
    tsa: Issued,
    *,
    alvara: bytes | None = None,
    gen_time: dt.datetime | None = None,
    nonce: int | None = None,
) -> bytes:
    """The DER TimeStampToken (a ContentInfo with a SignedData over a TSTInfo) for a SHA-256 ``imprint``.
    ``alvara`` is the DER the alvará extension carries (omitted when None)."""
    tst: dict = {
        "version": "v1",
        "policy": TSA_POLICY,
        "message_imprint": tsp.MessageImprint(
            {"hash_algorithm": sha256_algorithm(), "hashed_message": imprint}
        ),
        "serial_number": secrets.randbits(63),
        "gen_time": centiseconds(gen_time or dt.datetime.now(dt.UTC)),
        # The ITI server asks its TSA with a nonce, which the TSTInfo echoes (RFC 3161 §2.4.2).
        "nonce": nonce if nonce is not None else secrets.randbits(63),
    }
    if alvara is not None:
        tst["extensions"] = [{"extn_id": OID_ALVARA, "critical": False, "extn_value": alvara}]
    tst_info = tsp.TSTInfo(tst)
    tst_der = tst_info.dump()
    ess_attribute, issuer_and_serial = _tsa_parts(tsa.cert_der)
    content_type = der.sequence(CONTENT_TYPE_OID, der.set_of(TST_INFO_OID))
    message_digest = der.sequence(
        MESSAGE_DIGEST_OID, der.set_of(der.octet_string(hashlib.sha256(tst_der).digest()))
    )
    signed_attrs = der.set_of(content_type, message_digest, ess_attribute)
    signature = rsa_sign(tsa.key, signed_attrs)
    signer_info = der.sequence(
        b"\x02\x01\x01",  # version 1
        issuer_and_serial,
        sha256_algorithm().dump(),
        b"\xa0" + signed_attrs[1:],
        rsa_encryption_algorithm().dump(),
        der.octet_string(signature),
    )
    encap = der.sequence(TST_INFO_OID, der.context(0, der.octet_string(tst_der)))
    signed_data = der.sequence(
        b"\x02\x01\x03",  # version 3: eContentType is not id-data
        der.set_of(sha256_algorithm().dump()),
        encap,
        der.context(0, tsa.cert_der),  # certificates [0] IMPLICIT SET OF: the TSA certificate
        der.set_of(signer_info),
    )
    return der.sequence(SIGNED_DATA_OID, der.context(0, signed_data))


def stamper(tsa: Issued, alvara: Issued, gen_time: dt.datetime | None = None) -> Callable[[bytes], bytes]:
    """The timestamp an ``assinarPKCS7`` CMS carries: over SHA-256 of the signature value (§3.3)."""
    return lambda signature: timestamp_token(
        hashlib.sha256(signature).digest(), tsa, alvara=alvara.cert_der, gen_time=gen_time
    )


@lru_cache(maxsize=8)
def _tsa_parts(cert_der: bytes) -> tuple[bytes, bytes]:
    """What never changes for one TSA certificate: the signingCertificateV2 attribute (SHA-512 of the
    certificate, as in staging) and the signer's issuerAndSerialNumber. Built once: asn1crypto is slow here."""
    cert = ax509.Certificate.load(cert_der)
    issuer = cert["tbs_certificate"]["issuer"]
    ess = tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha512"}),
                        "cert_hash": hashlib.sha512(cert_der).digest(),
                        "issuer_serial": tsp.IssuerSerial(
                            {
                                "issuer": [ax509.GeneralName({"directory_name": issuer})],
                                "serial_number": cert.serial_number,
                            }
                        ),
                    }
                )
            ]
        }
    )
    attribute = cms.CMSAttribute({"type": "signing_certificate_v2", "values": [ess]}).dump()
    return attribute, der.sequence(issuer.dump(), cert["tbs_certificate"]["serial_number"].dump())
