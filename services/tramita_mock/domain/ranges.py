"""Byte ranges ``[inicio, fim[`` (0-based, end exclusive: "0-1 traz apenas 1 byte", reference §2.4)."""

from __future__ import annotations


def merge(ranges: list[list[int]], new: tuple[int, int]) -> list[list[int]]:
    items = sorted([*([a, b] for a, b in ranges), [new[0], new[1]]])
    out: list[list[int]] = []
    for a, b in items:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def covers(ranges: list[list[int]], size: int) -> bool:
    return size == 0 or (len(ranges) == 1 and ranges[0][0] <= 0 and ranges[0][1] >= size)


def gaps(ranges: list[list[int]], size: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(ranges):
        if a > pos:
            out.append((pos, min(a, size)))
        pos = max(pos, b)
    if pos < size:
        out.append((pos, size))
    return [g for g in out if g[0] < g[1]]


def parse_range(text: str) -> tuple[int, int] | None:
    """``"{inicio}-{fim}"`` → (inicio, fim), or None when malformed or empty."""
    head, sep, tail = text.partition("-")
    if not sep or not head.isdigit() or not tail.isdigit():
        return None
    inicio, fim = int(head), int(tail)
    return (inicio, fim) if 0 <= inicio < fim else None
