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

from sandbox_kernel.pki import Issued

from . import der

Encoding = Literal["ber", "der"]
EOC = b"\x00\x00"

TimestampFn = Callable[[bytes], bytes]  # signature value → DER RFC 3161 TimeStampToken

DATA_OID = bytes.fromhex("06092a864886f70d010701")
SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
TIMESTAMP_ATTRIBUTE_OID = bytes.fromhex("060b2a864886f70d010910020e")


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
    signer: Issued,
    *,
    signing_time: dt.datetime,
    timestamp: TimestampFn | None = None,
) -> cms.ContentInfo:
    """The SignedData of one hash. ``digest`` must be the 32 raw bytes the client sent."""
    if len(digest) != 32:
        raise ValueError("digest must be the 32 bytes of a SHA-256")
    cert = ax509.Certificate.load(signer.cert_der)
    signed_attrs = signed_attributes(digest, signing_time).dump()
    signature = rsa_sign(signer.key, signed_attrs)  # over the DER SET (tag 0x31), RFC 5652 §5.4
    parts = [
        b"\x02\x01\x01",  # version 1
        der.sequence(
            cert["tbs_certificate"]["issuer"].dump(), cert["tbs_certificate"]["serial_number"].dump()
        ),
        sha256_algorithm().dump(),
        b"\xa0" + signed_attrs[1:],  # signedAttrs [0] IMPLICIT SET
        sha256_rsa_algorithm().dump(),
        der.octet_string(signature),
    ]
    if timestamp is not None:
        token = timestamp(signature)
        parts.append(der.context(1, der.sequence(TIMESTAMP_ATTRIBUTE_OID, der.set_of(token))))
    signer_info = der.sequence(*parts)
    signed_data = der.sequence(
        b"\x02\x01\x01",  # version 1
        der.set_of(sha256_algorithm().dump()),
        der.sequence(DATA_OID),  # encapContentInfo id-data, eContent absent: detached
        der.context(0, signer.cert_der),  # certificates: the signer's only
        der.set_of(signer_info),
    )
    # Assembled from DER parts (asn1crypto re-encodes certificates on every dump); loaded back so callers
    # get the parsed structure, whose dump() returns exactly these bytes.
    return cms.ContentInfo.load(der.sequence(SIGNED_DATA_OID, der.context(0, signed_data)))


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
    signer: Issued,
    *,
    signing_time: dt.datetime,
    timestamp: TimestampFn | None = None,
    encoding: Encoding = "ber",
) -> bytes:
    return encode(build_signed_data(digest, signer, signing_time=signing_time, timestamp=timestamp), encoding)


def signature_imprint(signature: bytes) -> bytes:
    """What an RFC 3161 signature timestamp stamps: SHA-256 of the SignerInfo's signature value."""
    return hashlib.sha256(signature).digest()
