"""The citizen's certificate: issued on demand by the sandbox AC Final, kept with its key in the service's
database, and reused while valid (reference assinatura-govbr.md §4.1)."""

from __future__ import annotations

from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import select

from sandbox_kernel.events.models.assinatura import UserCertificateIssued
from sandbox_kernel.pki import Issued, new_key

from .context import Context
from .domain import certificates as certs
from .domain.personas import holder_of
from .storage import UserCertificateRow, now

# Renew a little before the end, so a signature never comes from a certificate about to expire.
RENEW_MARGIN = timedelta(days=1)


async def certificate_for(
    ctx: Context, persona: dict, client_id: str, ente: str | None, story_key: str
) -> Issued:
    """The persona's current certificate, issued now if needed (its event joins the caller's story)."""
    cpf = persona["cpf"]
    cached = ctx.cert_cache.get(cpf)
    if cached is not None and _still_good(cached, ente):
        return cached
    async with ctx.cert_lock(cpf):
        current = await _current(ctx, cpf, ente)
        if current is not None:
            ctx.cert_cache[cpf] = current
            return current
        key = new_key(2048)
        cert = certs.issue_holder_certificate(
            holder_of(persona),
            key,
            ctx.pki.final,
            ctx.pki.urls,
            days=ctx.options.certificate_days,
            now=now(ente),  # the ente's virtual clock: advanced past the end, its people get new certificates
        )
        pair = Issued(cert, key)
        async with ctx.runtime.transaction() as tx:
            tx.session.add(
                UserCertificateRow(
                    serial=format(cert.serial_number, "x"),
                    cpf=cpf,
                    certificate_pem=pair.cert_pem.decode(),
                    key_pem=pair.key_pem.decode(),
                    not_before=cert.not_valid_before_utc,
                    not_after=cert.not_valid_after_utc,
                )
            )
            tx.emit(
                UserCertificateIssued(
                    cpf=cpf,
                    nome=persona["nome"],
                    serial=format(cert.serial_number, "x"),
                    fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
                    emissor=cert.issuer.rfc4514_string(),
                    not_before=cert.not_valid_before_utc.isoformat(),
                    not_after=cert.not_valid_after_utc.isoformat(),
                    client_id=client_id,
                ),
                key=story_key,
                subject=format(cert.serial_number, "x"),
                ente=ente,
            )
        ctx.cert_cache[cpf] = pair
        return pair


def _still_good(pair: Issued, ente: str | None) -> bool:
    moment = now(ente)
    cert = pair.certificate
    return (
        cert.not_valid_before_utc <= moment + RENEW_MARGIN
        and cert.not_valid_after_utc - RENEW_MARGIN > moment
    )


async def _current(ctx: Context, cpf: str, ente: str | None) -> Issued | None:
    async with ctx.runtime.db.sessionmaker() as session:
        rows = (
            await session.execute(
                select(UserCertificateRow)
                .where(UserCertificateRow.cpf == cpf)
                .order_by(UserCertificateRow.created_at.desc())
                .limit(1)
            )
        ).scalars()
        row = rows.first()
    if row is None:
        return None
    pair = Issued.from_pem(row.certificate_pem.encode(), row.key_pem.encode())
    if not _still_good(pair, ente):
        return None
    if pair.certificate.issuer != ctx.pki.final.certificate.subject or not _issued_by(
        pair.certificate, ctx.pki.final
    ):
        return None  # the signing PKI was recreated: issue again under the current AC Final
    return pair


def _issued_by(cert: x509.Certificate, issuer: Issued) -> bool:
    try:
        cert.verify_directly_issued_by(issuer.certificate)
    except (ValueError, TypeError, Exception):
        return False
    return True
