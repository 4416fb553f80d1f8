"""NRE (Número de Registro Externo) and the other identifiers the platform hands out.

Real NREs are 16-digit strings whose last 4 digits are the year (``0000025656262025``); the inner
structure is not public. The sandbox uses a 12-digit zero-padded sequence followed by the year, so they
look alike and are unique per data dir. IDTs and tickets are plain integers, like the real ones.
"""

from __future__ import annotations

import re

NRE_PATTERN = re.compile(r"^\d{16}$")


def make_nre(sequence: int, year: int) -> str:
    if not 0 < sequence < 10**12:
        raise ValueError(f"NRE sequence out of range: {sequence}")
    return f"{sequence:012d}{year:04d}"


def valid_nre(value: str) -> bool:
    return bool(NRE_PATTERN.match(value))
