"""A sandbox time-stamping authority (RFC 3161), shaped like the one in staging CMSes since 2023-08
(reference assinatura-govbr.md §3.3): TSTInfo policy 2.16.76.1.6.2, messageImprint = SHA-256 of the
signature value, a SignedData whose signed attributes are contentType, messageDigest and
signingCertificateV2 (SHA-512), signed by ``ASSINATURA-CARIMBO SANDBOX`` under ``AC EAT SANDBOX``.

Pure: the serial and the time come from the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as ax509

from .certificates import TSA_POLICY, KeyPair
from .cms import rsa_sign, sha256_algorithm, sha256_rsa_algorithm


def timestamp_token(imprint: bytes, tsa: KeyPair, *, gen_time: dt.datetime | None = None) -> cms.ContentInfo:
    """The TimeStampToken for a SHA-256 ``imprint``."""
    gen_time = gen_time or dt.datetime.now(dt.UTC)
    tsa_cert = ax509.Certificate.load(tsa.cert_der)
    tst_info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": TSA_POLICY,
            "message_imprint": tsp.MessageImprint(
                {"hash_algorithm": sha256_algorithm(), "hashed_message": imprint}
            ),
            "serial_number": secrets.randbits(63),
            "gen_time": gen_time.astimezone(dt.UTC),
            "accuracy": tsp.Accuracy({"seconds": 1}),
            "ordering": False,
        }
    )
    tst_der = tst_info.dump()
    ess = tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha512"}),
                        "cert_hash": hashlib.sha512(tsa.cert_der).digest(),
                        "issuer_serial": tsp.IssuerSerial(
                            {
                                "issuer": [ax509.GeneralName({"directory_name": tsa_cert.issuer})],
                                "serial_number": tsa_cert.serial_number,
                            }
                        ),
                    }
                )
            ]
        }
    )
    attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]}),
            cms.CMSAttribute({"type": "signing_certificate_v2", "values": [ess]}),
        ]
    )
    signature = rsa_sign(tsa.key, attrs.dump())
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [sha256_algorithm()],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(tst_der),
            },
            "certificates": [tsa_cert],
            "signer_infos": [
                cms.SignerInfo(
                    {
                        "version": "v1",
                        "sid": cms.SignerIdentifier(
                            {
                                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                                    {"issuer": tsa_cert.issuer, "serial_number": tsa_cert.serial_number}
                                )
                            }
                        ),
                        "digest_algorithm": sha256_algorithm(),
                        "signed_attrs": attrs,
                        "signature_algorithm": sha256_rsa_algorithm(),
                        "signature": signature,
                    }
                )
            ],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
