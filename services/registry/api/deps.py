"""Shared router plumbing: the caller, the runtime and a transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request

from sandbox_kernel.app import ServiceRuntime, Transaction, runtime_of

from ..auth import Caller, caller

PREFIX = "/sandbox/registry"
CallerDep = Depends(caller)


async def transaction(request: Request) -> AsyncIterator[Transaction]:
    """One transaction per request: everything it changes, and its events, commit together or not at all."""
    async with runtime_of(request).transaction() as tx:
        yield tx


TxDep = Depends(transaction)


def runtime(request: Request) -> ServiceRuntime:
    return runtime_of(request)


__all__ = ["PREFIX", "Caller", "CallerDep", "TxDep", "runtime"]
