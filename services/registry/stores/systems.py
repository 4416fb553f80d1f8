"""Tramita systems (SPE) and their client certificates, issued by the sandbox PKI.

Like the real "Gerar Certificado", the private key is handed over once, in a PEM bundle, and not kept:
re-issuing makes a new key pair and revokes the old certificate.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.registry import CertificateIssued, CertificateRevoked
from sandbox_kernel.pki import Issued, SandboxPKI

from ..domain.errors import NotFound
from ..domain.systems import fingerprint, system_subject, systems_ca
from ..storage import CertificateRow, SystemRow


def system_view(system: SystemRow, current: CertificateRow | None) -> dict:
    return {
        "id": system.id,
        "ente": system.ente,
        "nome": system.nome,
        "unidades": system.unidades,
        "certificate": None
        if current is None
        else {
            "serial": current.serial,
            "fingerprint_sha256": current.fingerprint_sha256,
            "not_after": current.not_after.isoformat(),
            "certificate_pem": current.certificate_pem,
        },
    }


async def current_certificate(tx: Transaction, system_id: str) -> CertificateRow | None:
    query = select(CertificateRow).where(
        CertificateRow.system_id == system_id, CertificateRow.revoked_at.is_(None)
    )
    return (await tx.session.scalars(query.order_by(CertificateRow.created_at.desc()))).first()


async def create_system(
    tx: Transaction, pki: SandboxPKI, ente: str, ente_nome: str, nome: str, unidades: list[str]
):
    system = SystemRow(id=f"spe-{uuid.uuid4().hex[:12]}", ente=ente, nome=nome, unidades=unidades)
    tx.session.add(system)
    issued = await issue_certificate(tx, pki, system, ente_nome)
    return system, issued


async def issue_certificate(tx: Transaction, pki: SandboxPKI, system: SystemRow, ente_nome: str) -> Issued:
    """Issue a new certificate for the system, revoking the one it had."""
    previous = await current_certificate(tx, system.id)
    if previous is not None:
        await revoke(tx, system, previous, "substituído por novo certificado")
    subject = system_subject(ente_nome, system.id, system.nome)
    issued = pki.tls_client(subject, issuer=systems_ca(pki))
    cert = issued.certificate
    row = CertificateRow(
        fingerprint_sha256=fingerprint(cert),
        system_id=system.id,
        serial=format(cert.serial_number, "x"),
        certificate_pem=issued.cert_pem.decode(),
        not_after=cert.not_valid_after_utc,
    )
    tx.session.add(row)
    tx.emit(
        CertificateIssued(
            system_id=system.id,
            nome=system.nome,
            serial=row.serial,
            fingerprint_sha256=row.fingerprint_sha256,
            not_after=row.not_after.isoformat(),
            unidades=list(system.unidades),
        ),
        key=system.id,
        subject=system.id,
        ente=system.ente,
    )
    await tx.session.flush()  # the new row is what current_certificate finds next
    return issued


async def revoke(tx: Transaction, system: SystemRow, cert: CertificateRow, motivo: str) -> None:
    cert.revoked_at = datetime.now(UTC)
    tx.emit(
        CertificateRevoked(
            system_id=system.id, serial=cert.serial, fingerprint_sha256=cert.fingerprint_sha256, motivo=motivo
        ),
        key=system.id,
        subject=system.id,
        ente=system.ente,
    )


async def get_system(tx: Transaction, system_id: str) -> SystemRow:
    system = await tx.session.get(SystemRow, system_id)
    if system is None:
        raise NotFound(f"Sistema {system_id!r} não encontrado.")
    return system


async def find_by_fingerprint(tx: Transaction, fp: str) -> tuple[SystemRow, CertificateRow] | None:
    cert = await tx.session.get(CertificateRow, fp.lower().replace(":", ""))
    system = await tx.session.get(SystemRow, cert.system_id) if cert is not None else None
    return (system, cert) if system is not None and cert is not None else None


async def systems_of(tx: Transaction, ibge: str) -> list[SystemRow]:
    query = select(SystemRow).where(SystemRow.ente == ibge).order_by(SystemRow.id)
    return list((await tx.session.scalars(query)).all())
