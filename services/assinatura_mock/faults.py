"""The signing faults a rule of the ente can ask for (bronze 403, expired certificate, no timestamp).

Small calls from ``routes/api.py`` into the kernel's fault engine; the shapes are the real ones: the manual's
plain-text 403, a CMS signed with a certificate whose ``notAfter`` has passed, a CMS without the timestamp.
"""

from __future__ import annotations

import datetime as dt

from sandbox_kernel.faults.hooks import take_effect
from sandbox_kernel.pki import Issued

from .context import Context
from .domain import certificates as certs
from .domain.personas import holder_of
from .storage import TokenRow


async def sign_fault(ctx: Context, row: TokenRow, effect: str) -> bool:
    rule = await take_effect(
        ctx.runtime,
        (effect,),
        ente=row.ente,
        endpoint="assinarPKCS7",
        client_id=row.client_id,
        persona=row.cpf,
        method="POST",
        path="/externo/v2/assinarPKCS7",
    )
    return rule is not None


def expired_copy(ctx: Context, persona: dict, signer: Issued) -> Issued:
    """The user's certificate as it would be a year after it expired: same key, ``notAfter`` in the past."""
    issued_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2 * 365)
    cert = certs.issue_holder_certificate(
        holder_of(persona), signer.key, ctx.pki.final, ctx.pki.urls, days=365, now=issued_at
    )
    return Issued(cert, signer.key)
