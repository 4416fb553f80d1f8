"""CPF and CNPJ, the one module every service uses: check digits, formatting and synthetic generation.

The sandbox only ever holds synthetic people, but their documents must still pass the same check-digit
validation that municipal systems run, or integrations would fail for the wrong reason.
"""

from __future__ import annotations

import random
import re

_NON_DIGITS = re.compile(r"\D")
# Accepted input shapes: digits only, or the usual masks. Anything else (letters, stray separators) is rejected
# instead of being silently stripped, so "123abc..." never validates by accident.
_CPF_SHAPE = re.compile(r"^(\d{11}|\d{3}\.\d{3}\.\d{3}-\d{2})$")
_CNPJ_SHAPE = re.compile(r"^(\d{14}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2})$")

_CPF_WEIGHTS_1 = range(10, 1, -1)
_CPF_WEIGHTS_2 = range(11, 1, -1)
_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def only_digits(s: str) -> str:
    """Strip every non-digit character (masks, spaces)."""
    return _NON_DIGITS.sub("", s)


def _mod11_digit(digits: str, weights) -> str:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def _cpf_check_digits(base9: str) -> str:
    first = _mod11_digit(base9, _CPF_WEIGHTS_1)
    return first + _mod11_digit(base9 + first, _CPF_WEIGHTS_2)


def _cnpj_check_digits(base12: str) -> str:
    first = _mod11_digit(base12, _CNPJ_WEIGHTS_1)
    return first + _mod11_digit(base12 + first, _CNPJ_WEIGHTS_2)


def valid_cpf(s: str) -> bool:
    """True for an 11-digit CPF (plain or `000.000.000-00`) with correct check digits.

    All-same-digit numbers (000.000.000-00, 111.111.111-11, ...) pass the arithmetic but are not real CPFs.
    """
    if not isinstance(s, str) or not _CPF_SHAPE.match(s):
        return False
    digits = only_digits(s)
    if len(set(digits)) == 1:
        return False
    return _cpf_check_digits(digits[:9]) == digits[9:]


def valid_cnpj(s: str) -> bool:
    """True for a 14-digit CNPJ (plain or `00.000.000/0000-00`) with correct check digits."""
    if not isinstance(s, str) or not _CNPJ_SHAPE.match(s):
        return False
    digits = only_digits(s)
    if len(set(digits)) == 1:
        return False
    return _cnpj_check_digits(digits[:12]) == digits[12:]


def format_cpf(s: str) -> str:
    """`12345678909` → `123.456.789-09`. Raises ValueError when it is not 11 digits."""
    d = only_digits(s)
    if len(d) != 11:
        raise ValueError(f"CPF deve ter 11 dígitos: {s!r}")
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def format_cpf_sub(s: str) -> str:
    """`12345678909` → `123456789-09`: the "formatted" `sub` of Acesso GOV.BR (reference acesso-govbr.md §3.3)."""
    d = only_digits(s)
    if len(d) != 11:
        raise ValueError(f"CPF deve ter 11 dígitos: {s!r}")
    return f"{d[:9]}-{d[9:]}"


def format_cnpj(s: str) -> str:
    """`12345678000195` → `12.345.678/0001-95`. Raises ValueError when it is not 14 digits."""
    d = only_digits(s)
    if len(d) != 14:
        raise ValueError(f"CNPJ deve ter 14 dígitos: {s!r}")
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def generate_cpf(rng: random.Random) -> str:
    """A random valid CPF, digits only. Deterministic for a seeded `rng`."""
    while True:
        base = "".join(str(rng.randrange(10)) for _ in range(9))
        if len(set(base)) > 1:  # all-same-digit bases are invalid by rule
            return base + _cpf_check_digits(base)


def generate_cnpj(rng: random.Random) -> str:
    """A random valid CNPJ of a head office (branch `0001`), digits only."""
    while True:
        root = "".join(str(rng.randrange(10)) for _ in range(8))
        if len(set(root)) > 1:
            base = root + "0001"
            return base + _cnpj_check_digits(base)
