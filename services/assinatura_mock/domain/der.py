"""Minimal DER assembly for the hot path. asn1crypto re-encodes a whole certificate whenever a structure
holding it is dumped (tens of milliseconds per timestamp); splicing already-encoded parts is exact and fast."""

from __future__ import annotations


def length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + length(len(content)) + content


def sequence(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    """DER SET OF: elements sorted by their encodings."""
    return tlv(0x31, b"".join(sorted(parts)))


def context(number: int, content: bytes, *, constructed: bool = True) -> bytes:
    return tlv((0xA0 if constructed else 0x80) | number, content)


def octet_string(value: bytes) -> bytes:
    return tlv(0x04, value)
