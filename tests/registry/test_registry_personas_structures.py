"""Personas CRUD with tenancy, org-structure search, and persona-file errors at start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import bearer, new_ente

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (see the plugin)

PERSONA = {
    "cpf": "529.982.247-25",
    "nome": "Ana Teste Rio",
    "email": "ana@exemplo.test",
    "email_verificado": True,
    "data_nascimento": "1990-01-01",
    "senha": "Senha@123",
    "nivel": "bronze",
    "selos": [{"id": "201", "updated_at": "2024-01-01T10:00:00-03:00"}],
}


async def test_ente_personas_are_private_to_the_ente(registry):
    rio = await new_ente(registry)
    created = await registry.post("/sandbox/registry/personas", json=PERSONA, headers=bearer(rio["api_key"]))
    assert created.status_code == 201, created.text
    assert created.json()["cpf"] == "52998224725" and created.json()["ente"] == "3304557"

    sp_key = (await registry.post("/sandbox/registry/entes/3550308/api-key")).json()["api_key"]
    sp_view = (await registry.get("/sandbox/registry/personas", headers=bearer(sp_key))).json()
    assert "52998224725" not in {p["cpf"] for p in sp_view}
    assert (
        await registry.get("/sandbox/registry/personas/52998224725", headers=bearer(sp_key))
    ).status_code == 404
    assert (
        await registry.delete("/sandbox/registry/personas/52998224725", headers=bearer(sp_key))
    ).status_code == 403
    # an ente cannot edit a global persona
    global_cpf = sp_view[0]["cpf"]
    patch = await registry.patch(
        f"/sandbox/registry/personas/{global_cpf}", json={"nome": "X"}, headers=bearer(sp_key)
    )
    assert patch.status_code == 403


async def test_persona_change_raises_level_and_emits_changed_fields(registry, sandbox_events):
    rio = await new_ente(registry)
    await registry.post("/sandbox/registry/personas", json=PERSONA, headers=bearer(rio["api_key"]))
    changed = await registry.patch(
        "/sandbox/registry/personas/52998224725",
        json={
            "nivel": "ouro",
            "selos": [*PERSONA["selos"], {"id": "801", "updated_at": "2025-01-01T10:00:00-03:00"}],
        },
        headers=bearer(rio["api_key"]),
    )
    assert changed.status_code == 200, changed.text
    event = await sandbox_events.wait_for(type="br.gov.sandbox.registry.persona.changed")
    assert event.data["changed_fields"] == ["nivel", "selos"]
    assert event.topic.endswith("govbr.3304557.registry")
    assert "Senha@123" not in str([e.data for e in sandbox_events.received])


async def test_invalid_persona_is_refused_field_by_field(registry):
    bad = {**PERSONA, "cpf": "123.456.789-00", "nivel": "ouro"}
    response = await registry.post("/sandbox/registry/personas", json=bad)
    assert response.status_code == 422
    fields = {f["campo"] for f in response.json()["campos"]}
    assert "cpf" in fields


async def test_generated_personas_are_deterministic(registry):
    await new_ente(registry)
    first = (
        await registry.post(
            "/sandbox/registry/personas/generate", json={"quantidade": 4, "semente": 7, "ente": "3304557"}
        )
    ).json()
    assert len(first) == 4 and all(p["ente"] == "3304557" for p in first)
    again = await registry.post(
        "/sandbox/registry/personas/generate", json={"quantidade": 4, "semente": 7, "ente": "3304557"}
    )
    assert again.status_code == 409  # same seed, same CPFs


async def test_structures_search_children_and_robots(registry):
    await new_ente(registry)
    repos = (await registry.get("/sandbox/registry/repositorios")).json()
    assert {"id": 1, "nome": "Poder Executivo Federal", "ativo": True} in repos
    rj = next(r for r in repos if r["nome"] == "Estado - Rio de Janeiro")
    found = (
        await registry.get(
            f"/sandbox/registry/repositorios/{rj['id']}/estruturas", params={"nome": "prefeitura"}
        )
    ).json()
    assert found["totalDeRegistros"] == 1
    prefeitura = found["estruturas"][0]
    assert prefeitura["nome"] == "Prefeitura Municipal de Rio de Janeiro" and len(prefeitura["sigla"]) <= 5
    kids = (
        await registry.get(
            f"/sandbox/registry/estruturas/{prefeitura['numeroDeIdentificacaoDaEstrutura']}/filhas"
        )
    ).json()
    assert kids and all(
        k["hierarquia"][0]["numeroDeIdentificacaoDaEstrutura"]
        == prefeitura["numeroDeIdentificacaoDaEstrutura"]
        for k in kids
    )
    page = (
        await registry.get(
            f"/sandbox/registry/repositorios/{rj['id']}/estruturas",
            params={"registroInicial": 0, "quantidadeDeRegistros": 2},
        )
    ).json()
    assert len(page["estruturas"]) == 2 and page["totalDeRegistros"] > 2
    robots = [
        u for u in (await registry.get("/sandbox/registry/entes/3304557/estruturas")).json() if u["robot"]
    ]
    assert {r["robot"]["kind"] for r in robots} == {"accept", "refuse", "send", "silent"}


async def test_a_unit_robot_behaviour_can_be_changed_by_its_ente(registry):
    rio = await new_ente(registry)
    robot = next(
        u
        for u in (await registry.get("/sandbox/registry/entes/3304557/estruturas")).json()
        if u["robot"] and u["robot"]["kind"] == "accept"
    )
    uid = robot["numeroDeIdentificacaoDaEstrutura"]
    change = {"robot": {"kind": "refuse", "motivo": "01", "justificativa": "Documento ilegível"}}
    response = await registry.patch(
        f"/sandbox/registry/estruturas/{uid}", json=change, headers=bearer(rio["api_key"])
    )
    assert response.status_code == 200 and response.json()["robot"]["motivo"] == "01"
    sp_key = (await registry.post("/sandbox/registry/entes/3550308/api-key")).json()["api_key"]
    assert (
        await registry.patch(f"/sandbox/registry/estruturas/{uid}", json=change, headers=bearer(sp_key))
    ).status_code == 403


def test_a_bad_personas_file_stops_the_registry_with_file_entry_and_field(tmp_path):
    bad = tmp_path / "minhas-personas.yaml"
    bad.write_text('personas:\n  - cpf: "52998224725"\n    nome: Ana\n    nivel: platina\n    senha: "x"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    env.update(
        SANDBOX_DATA_DIR=str(tmp_path / "d"), SANDBOX_PERSONAS_FILE=str(bad), SANDBOX_REGISTRY_PORT="0"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sandbox_kernel.cli", "serve", "registry"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SANDBOX_PERSONAS_FILE" in result.stderr and "minhas-personas.yaml" in result.stderr
    assert "entrada 0" in result.stderr and "nivel" in result.stderr
    assert "Traceback" not in result.stderr
