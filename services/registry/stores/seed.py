"""The default seed, made once on the first start: everything a developer needs to try the sandbox.

One ente (São Paulo, 3550308) with the login client ``sandbox-local`` and the assinatura client
``devLocal`` (the old public ITI test client), both accepting any loopback redirect and auto-approving
``login_hint``; a Tramita system whose certificate bundle is written under the data dir; the default
personas; the ente's org units with its robots. Secrets go to ``<data dir>/seed.json`` (mode 0600),
which ``govbr-sandbox info --json`` reads; they are never logged.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sandbox_kernel.app import ServiceRuntime, Transaction
from sandbox_kernel.pki import SandboxPKI

from ..domain.clients import DEFAULT_LOGIN_SCOPES, AssinaturaClient, LoginClient
from ..domain.entes import EnteSpec
from ..domain.systems import bundle
from ..storage import CounterRow, PersonaRow
from . import applications, entes, structures, systems
from . import personas as personas_store

log = logging.getLogger("govbr_sandbox.registry")

SEED_FILE = "seed.json"
DEFAULT_ENTE = EnteSpec(ibge="3550308", nome="São Paulo", uf="SP", tipo="municipio")
DEFAULT_LOGIN_CLIENT = LoginClient(
    client_id="sandbox-local",
    nome="Aplicação local do sandbox",
    scopes=[*DEFAULT_LOGIN_SCOPES, "govbr_empresa"],
    redirect_uris=[],
    post_logout_redirect_uris=[],
    allow_loopback=True,
    auto_approve=True,
)
# The secret the official ITI PHP example (config.php) and FeliciLab's .env.exemple carry for devLocal
# (reference assinatura-govbr.md §2): public since those examples, so they run here unchanged but for hosts.
DEV_LOCAL_SECRET = "younIrtyij3"
DEFAULT_ASSINATURA_CLIENT = AssinaturaClient(
    client_id="devLocal",
    nome="devLocal (cliente de teste, como o antigo do ITI)",
    allow_loopback=True,
    auto_approve=True,
)


async def load_extra_personas(runtime: ServiceRuntime, personas: list) -> None:
    """Add the personas of SANDBOX_PERSONAS_FILE that are not stored yet (the file is re-read on each start)."""
    if not personas:
        return
    async with runtime.transaction() as tx:
        added = 0
        for persona in personas:
            if await tx.session.get(PersonaRow, persona.cpf) is None:
                await personas_store.create(tx, persona)
                added += 1
    log.info("personas file: %d personas, %d new", len(personas), added)


def seed_path(runtime: ServiceRuntime) -> Path:
    return runtime.settings.data_dir / SEED_FILE


async def seed_if_first_start(runtime: ServiceRuntime, pki: SandboxPKI) -> bool:
    async with runtime.transaction() as tx:
        if await tx.session.get(CounterRow, "seeded") is not None:
            return False
        tx.session.add(CounterRow(name="seeded", value=1))
        handout = await _seed(tx, runtime, pki)
    _write_private_json(seed_path(runtime), handout)
    log.info("default seed created: ente %s, credentials in %s", DEFAULT_ENTE.ibge, seed_path(runtime))
    return True


async def _seed(tx: Transaction, runtime: ServiceRuntime, pki: SandboxPKI) -> dict:
    await personas_store.load_defaults(tx)
    ente, api_key = await entes.create_ente(tx, DEFAULT_ENTE)
    login, login_secret = await applications.register(tx, ente.ibge, "login", DEFAULT_LOGIN_CLIENT)
    sign, sign_secret = await applications.register(
        tx, ente.ibge, "assinatura", DEFAULT_ASSINATURA_CLIENT, secret=DEV_LOCAL_SECRET
    )
    units = await structures.units_of_ente(tx, ente.ibge)
    own_units = [u for u in units if not u.robot]
    system, issued = await systems.create_system(
        tx,
        pki,
        ente.ibge,
        ente.nome,
        "Sistema local do sandbox",
        [u.numeroDeIdentificacaoDaEstrutura for u in own_units],
    )
    files = _write_bundle(runtime.settings.data_dir / "tramita", bundle(pki, issued))
    return {
        "ente": {"ibge": ente.ibge, "nome": ente.nome, "uf": ente.uf, "api_key": api_key},
        "login_client": {"client_id": login.client_id, "client_secret": login_secret},
        "assinatura_client": {"client_id": sign.client_id, "client_secret": sign_secret},
        "tramita_system": {
            "id": system.id,
            "nome": system.nome,
            "unidades": system.unidades,
            **files,
        },
        "units": [structures.brief(u) for u in own_units],
        "robots": [structures.brief(u) for u in units if u.robot],
    }


def _write_bundle(directory: Path, bundle: dict) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    names = {
        "certificate": ("sistema.crt", bundle["certificate_pem"]),
        "private_key": ("sistema.key", bundle["private_key_pem"]),
        "ca_chain": ("cadeia-sandbox.pem", bundle["ca_chain_pem"]),
        "bundle": ("sistema-bundle.pem", bundle["bundle_pem"]),
    }
    paths = {}
    for label, (name, text) in names.items():
        path = directory / name
        _write_private_text(path, text)
        paths[f"{label}_path"] = str(path.resolve())
    return paths


def _write_private_text(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _write_private_json(path: Path, data: dict) -> None:
    _write_private_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_seed(data_dir: Path) -> dict | None:
    path = data_dir / SEED_FILE
    return json.loads(path.read_text()) if path.exists() else None
