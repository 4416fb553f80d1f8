"""The CMS SignedData that ``assinarPKCS7`` answers, laid out as the real staging responses (reference
assinatura-govbr.md §3.3):

- ContentInfo(id-signedData) → SignedData v1, digestAlgorithms {sha256} (no NULL parameters);
- encapContentInfo id-data with eContent absent (detached);
- certificates: the signer's certificate only; no CRLs;
- one SignerInfo v1, sid issuerAndSerialNumber, digest sha256, signatureAlgorithm sha256WithRSAEncryption;
- signed attributes (DER-sorted SET): contentType, signingTime (UTCTime), CMSAlgorithmProtection,
  messageDigest = exactly the 32 bytes received;
- optionally an RFC 3161 signatureTimeStampToken as the only unsigned attribute (staging since 2023-08);
- BER with indefinite lengths on the outer constructions, like BouncyCastle's ``getEncoded()``
  (``30 80 06 09 2a 86 48 86 f7 0d 01 07 02 a0 80 ...``), or plain DER.

Pure: bytes and keys in, bytes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Literal

from asn1crypto import algos, cms, core
from asn1crypto import x509 as ax509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .certificates import KeyPair

Encoding = Literal["ber", "der"]
EOC = b"\x00\x00"

TimestampFn = Callable[[bytes], cms.ContentInfo]  # signature value → RFC 3161 token (a ContentInfo)


# AlgorithmIdentifier{sha256} with the parameters absent, as in the responses since 2023-05. Built from its
# DER because asn1crypto would otherwise add a NULL (RFC 4055 allows both; the real service omits it).
_SHA256_BARE = bytes.fromhex("300b0609608648016503040201")


def sha256_algorithm() -> algos.DigestAlgorithm:
    return algos.DigestAlgorithm.load(_SHA256_BARE)


def sha256_rsa_algorithm() -> algos.SignedDigestAlgorithm:
    return algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa", "parameters": core.Null()})


def signed_attributes(digest: bytes, signing_time: dt.datetime) -> cms.CMSAttributes:
    return cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": signing_time.astimezone(dt.UTC)})]}
            ),
            cms.CMSAttribute(
                {
                    "type": "cms_algorithm_protection",
                    "values": [
                        cms.CMSAlgorithmProtection(
                            {
                                "digest_algorithm": sha256_algorithm(),
                                "signature_algorithm": sha256_rsa_algorithm(),
                            }
                        )
                    ],
                }
            ),
            cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
        ]
    )


def rsa_sign(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def build_signed_data(
    digest: bytes,
    signer: KeyPair,
    *,
    signing_time: dt.datetime,
    timestamp: TimestampFn | None = None,
) -> cms.ContentInfo:
    """The SignedData of one hash. ``digest`` must be the 32 raw bytes the client sent."""
    if len(digest) != 32:
        raise ValueError("digest must be the 32 bytes of a SHA-256")
    cert = ax509.Certificate.load(signer.cert_der)
    attrs = signed_attributes(digest, signing_time)
    signature = rsa_sign(signer.key, attrs.dump())  # DER of the SET (tag 0x31), as RFC 5652 §5.4 says
    signer_info = {
        "version": "v1",
        "sid": cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": cert.issuer, "serial_number": cert.serial_number}
                )
            }
        ),
        "digest_algorithm": sha256_algorithm(),
        "signed_attrs": attrs,
        "signature_algorithm": sha256_rsa_algorithm(),
        "signature": signature,
    }
    if timestamp is not None:
        token = timestamp(signature)
        signer_info["unsigned_attrs"] = cms.CMSAttributes(
            [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
        )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [sha256_algorithm()],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cert],
            "signer_infos": [cms.SignerInfo(signer_info)],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})


def encode(content_info: cms.ContentInfo, encoding: Encoding = "ber") -> bytes:
    """DER, or BER with indefinite lengths where BouncyCastle uses them (BERSequence / BERTaggedObject /
    BER SET of certificates); everything inside those stays DER, as in the real responses."""
    if encoding == "der":
        return content_info.dump()
    sd: cms.SignedData = content_info["content"]
    out = bytearray(b"\x30\x80")  # ContentInfo
    out += content_info["content_type"].dump()
    out += b"\xa0\x80"  # [0] EXPLICIT content
    out += b"\x30\x80"  # SignedData
    out += sd["version"].dump()
    out += sd["digest_algorithms"].dump()
    out += b"\x30\x80" + sd["encap_content_info"]["content_type"].dump() + EOC  # detached: no eContent
    out += b"\xa0\x80"  # certificates [0] IMPLICIT SET, indefinite
    for cert in sd["certificates"]:
        out += cert.dump()
    out += EOC
    out += sd["signer_infos"].dump()
    out += EOC + EOC + EOC  # SignedData, [0], ContentInfo
    return bytes(out)


def sign_hash(
    digest: bytes,
    signer: KeyPair,
    *,
    signing_time: dt.datetime,
    timestamp: TimestampFn | None = None,
    encoding: Encoding = "ber",
) -> bytes:
    return encode(build_signed_data(digest, signer, signing_time=signing_time, timestamp=timestamp), encoding)


def signature_imprint(signature: bytes) -> bytes:
    """What an RFC 3161 signature timestamp stamps: SHA-256 of the SignerInfo's signature value."""
    return hashlib.sha256(signature).digest()
