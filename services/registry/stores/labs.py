"""Labs (Capacita GOV.BR turmas): one isolated ente per trainee, with everything it needs.

Each trainee gets an ente (its own topics), an API key, a login client, an assinatura client, a Tramita
system with its certificate bundle, a few personas of its own and the default units and robots.
All trainees are created in one transaction: a lab is made whole or not at all.
"""

from __future__ import annotations

from sqlalchemy import select

from sandbox_kernel.app import Transaction
from sandbox_kernel.events.models.registry import LabCreated, LabDeleted
from sandbox_kernel.pki import SandboxPKI

from ..domain.clients import AssinaturaClient, LoginClient
from ..domain.entes import EnteSpec, topics_of
from ..domain.errors import Conflict, NotFound
from ..domain.ibge import UF_BY_SIGLA, municipio_code
from ..domain.labs import LabSpec
from ..domain.personas import generate_personas
from ..domain.systems import bundle
from ..storage import EnteRow
from . import applications, entes, structures, systems
from . import personas as personas_store


async def _free_codes(tx: Transaction, uf_sigla: str, n: int) -> list[str]:
    uf = UF_BY_SIGLA[uf_sigla.upper()]
    taken = set((await tx.session.scalars(select(EnteRow.ibge))).all())
    codes: list[str] = []
    base = 9000  # high município numbers, away from the codes people use in examples
    while len(codes) < n:
        if base > 9999:
            raise Conflict(f"Não há mais códigos livres na UF {uf.sigla} para a turma.")
        code = municipio_code(uf.code, base)
        if code not in taken:
            codes.append(code)
        base += 1
    return codes


async def create_lab(tx: Transaction, pki: SandboxPKI, spec: LabSpec, namespace: str) -> list[dict]:
    if (await tx.session.scalars(select(EnteRow.ibge).where(EnteRow.lab == spec.nome))).first():
        raise Conflict(f"A turma {spec.nome!r} já existe.")
    codes = await _free_codes(tx, spec.uf, spec.trainees)
    handout = []
    for number, code in enumerate(codes, start=1):
        handout.append(await _trainee(tx, pki, spec, number, code, namespace))
    tx.emit(
        LabCreated(lab=spec.nome, trainees=spec.trainees, entes=codes),
        key=spec.nome,
        subject=f"lab/{spec.nome}",
    )
    return handout


async def _trainee(
    tx: Transaction, pki: SandboxPKI, spec: LabSpec, number: int, code: str, namespace: str
) -> dict:
    tag = f"{spec.nome}-{number:03d}"
    ente, api_key = await entes.create_ente(
        tx,
        EnteSpec(ibge=code, nome=f"Turma {spec.nome} aluno {number:03d}", uf=spec.uf.upper()),
        lab=spec.nome,
    )
    login, login_secret = await applications.register(
        tx,
        code,
        "login",
        LoginClient(
            client_id=f"{tag}-login",
            nome=f"App de {tag}",
            redirect_uris=spec.redirect_uris,
            allow_loopback=True,
        ),
    )
    sign, sign_secret = await applications.register(
        tx,
        code,
        "assinatura",
        AssinaturaClient(
            client_id=f"{tag}-assinatura",
            nome=f"Assinatura de {tag}",
            redirect_uris=spec.redirect_uris,
            allow_loopback=True,
        ),
    )
    own_units = [u for u in await structures.units_of_ente(tx, code) if not u.robot]
    system, issued = await systems.create_system(
        tx, pki, code, ente.nome, f"Sistema {tag}", [u.id for u in own_units]
    )
    personas = generate_personas(spec.personas_por_aluno, seed=int(code), ente=code)
    await personas_store.add_all(tx, personas)
    handed = bundle(pki, issued)
    return {
        "aluno": number,
        "ibge": code,
        "ente": ente.nome,
        "api_key": api_key,
        "login_client_id": login.client_id,
        "login_client_secret": login_secret,
        "assinatura_client_id": sign.client_id,
        "assinatura_client_secret": sign_secret,
        "tramita_system_id": system.id,
        "unidades": ",".join(u.id for u in own_units),
        "personas": ",".join(p.cpf for p in personas),
        "topics": ",".join(topics_of(code, namespace).values()),
        "certificate_pem": handed["certificate_pem"],
        "private_key_pem": handed["private_key_pem"],
    }


async def delete_lab(tx: Transaction, nome: str) -> list[str]:
    rows = await entes.list_entes(tx, lab=nome)
    if not rows:
        raise NotFound(f"Turma {nome!r} não encontrada.")
    for row in rows:
        await entes.delete_ente(tx, row)
    tx.emit(LabDeleted(lab=nome, entes=[r.ibge for r in rows]), key=nome, subject=f"lab/{nome}")
    return [r.ibge for r in rows]
