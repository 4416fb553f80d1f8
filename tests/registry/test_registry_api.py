"""The registry over HTTP: entes, credentials, tenancy, validation, events without secrets."""

from __future__ import annotations

import json

import pytest

from .conftest import bearer, new_ente

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (see the plugin)

LOGIN_CLIENT = {
    "client_id": "rj.portal",
    "nome": "Portal do Cidadão",
    "redirect_uris": ["https://portal.rio.rj.gov.br/callback"],
    "post_logout_redirect_uris": ["https://portal.rio.rj.gov.br/"],
    "scopes": ["openid", "email", "profile"],
}


async def test_first_start_seeds_the_default_ente_clients_system_and_personas(registry, sandbox_settings):
    seed = json.loads((sandbox_settings.data_dir / "seed.json").read_text())
    assert seed["ente"]["ibge"] == "3550308"
    assert seed["login_client"]["client_id"] == "sandbox-local"
    assert seed["assinatura_client"]["client_id"] == "devLocal"
    assert {r["robot"]["kind"] for r in seed["robots"]} >= {"accept", "refuse", "send"}
    login = (await registry.get("/sandbox/registry/entes/3550308/login-clients/sandbox-local")).json()
    assert login["allow_loopback"] and login["auto_approve"] and login["pkce_required"]
    assert "client_secret" not in login and "secret_hash" not in login
    personas = (await registry.get("/sandbox/registry/personas")).json()
    assert len(personas) >= 15
    assert {p["nivel"] for p in personas} == {"bronze", "prata", "ouro"}
    # the seeded key works and sees its ente
    key = seed["ente"]["api_key"]
    assert (await registry.get("/sandbox/registry/entes", headers=bearer(key))).json()[0]["ibge"] == "3550308"


async def test_ente_creation_validates_the_ibge_code_in_portuguese(registry):
    response = await registry.post(
        "/sandbox/registry/entes", json={"ibge": "3304558", "nome": "Rio", "uf": "RJ"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["erro"] == "dados_invalidos"
    assert body["campos"][0]["campo"] == "ibge"
    assert "dígito verificador" in body["campos"][0]["mensagem"]

    wrong_uf = await registry.post(
        "/sandbox/registry/entes", json={"ibge": "3304557", "nome": "Rio", "uf": "SP"}
    )
    assert wrong_uf.status_code == 422 and "não é da UF SP" in wrong_uf.text

    missing = await registry.post("/sandbox/registry/entes", json={"nome": "X"})
    assert missing.json()["campos"][0] == {"campo": "ibge", "mensagem": "campo obrigatório"}


async def test_duplicate_ente_and_client_id_are_409(registry):
    await new_ente(registry)
    again = await registry.post(
        "/sandbox/registry/entes", json={"ibge": "3304557", "nome": "Rio", "uf": "RJ"}
    )
    assert again.status_code == 409 and again.json()["erro"] == "conflito"
    first = await registry.post("/sandbox/registry/entes/3304557/login-clients", json=LOGIN_CLIENT)
    assert first.status_code == 201
    dup = await registry.post("/sandbox/registry/entes/3304557/login-clients", json=LOGIN_CLIENT)
    assert dup.status_code == 409


async def test_bad_client_registration_lists_every_field_and_creates_nothing(registry):
    await new_ente(registry)
    bad = {
        **LOGIN_CLIENT,
        "redirect_uris": ["javascript:alert(1)", "nota uri"],
        "scopes": ["openid", "govbr_tudo"],
    }
    response = await registry.post("/sandbox/registry/entes/3304557/login-clients", json=bad)
    assert response.status_code == 422
    fields = {f["campo"]: f["mensagem"] for f in response.json()["campos"]}
    assert "redirect_uris" in fields and "scopes" in fields
    assert "escopo desconhecido: govbr_tudo" in fields["scopes"]
    listed = await registry.get("/sandbox/registry/entes/3304557/login-clients")
    assert listed.json() == []


async def test_client_secret_is_shown_once_and_rotation_replaces_it(registry, sandbox_events):
    await new_ente(registry)
    created = (await registry.post("/sandbox/registry/entes/3304557/login-clients", json=LOGIN_CLIENT)).json()
    secret = created["client_secret"]
    assert len(secret) >= 32
    fetched = (await registry.get("/sandbox/registry/entes/3304557/login-clients/rj.portal")).json()
    assert "client_secret" not in fetched
    rotated = (await registry.post("/sandbox/registry/entes/3304557/login-clients/rj.portal/secret")).json()
    assert rotated["client_secret"] != secret

    await sandbox_events.wait_for(
        type="br.gov.sandbox.registry.credential.rotated", match={"client_id": "rj.portal"}
    )
    await sandbox_events.wait_for(
        type="br.gov.sandbox.registry.application.registered", match={"client_id": "rj.portal"}
    )
    everything = json.dumps(
        [e.event.get_attributes() | {"data": e.data} for e in sandbox_events.received], default=str
    )
    assert secret not in everything and rotated["client_secret"] not in everything
    assert created["ente"] == "3304557"


async def test_an_ente_key_cannot_read_or_change_another_ente(registry):
    rio = await new_ente(registry)
    # the seeded ente (3550308) gets a fresh key for this test
    sp_key = (await registry.post("/sandbox/registry/entes/3550308/api-key")).json()["api_key"]
    rio_key = rio["api_key"]
    assert (await registry.get("/sandbox/registry/entes/3304557", headers=bearer(rio_key))).status_code == 200
    for method, path in [
        ("GET", "/sandbox/registry/entes/3550308"),
        ("GET", "/sandbox/registry/entes/3550308/login-clients"),
        ("GET", "/sandbox/registry/entes/3550308/login-clients/sandbox-local"),
        ("POST", "/sandbox/registry/entes/3550308/login-clients/sandbox-local/secret"),
        ("DELETE", "/sandbox/registry/entes/3550308/assinatura-clients/devLocal"),
        ("GET", "/sandbox/registry/entes/3550308/systems"),
        ("POST", "/sandbox/registry/entes/3550308/api-key"),
    ]:
        response = await registry.request(method, path, headers=bearer(rio_key))
        assert response.status_code == 403, (method, path, response.text)
    listed = (await registry.get("/sandbox/registry/entes", headers=bearer(rio_key))).json()
    assert [e["ibge"] for e in listed] == ["3304557"]
    # and nothing changed for São Paulo: its key still works
    assert (await registry.get("/sandbox/registry/entes/3550308", headers=bearer(sp_key))).status_code == 200
    # admin-only operations
    other = {"ibge": "4106902", "nome": "Curitiba", "uf": "PR"}
    assert (
        await registry.post("/sandbox/registry/entes", json=other, headers=bearer(rio_key))
    ).status_code == 403
    assert (
        await registry.get("/sandbox/registry/entes", headers=bearer("sbx_3304557_forged"))
    ).status_code == 401
    assert (await registry.get("/sandbox/registry/entes", headers={"Authorization": ""})).status_code == 401


async def test_ente_key_rotation_invalidates_the_old_key(registry):
    rio = await new_ente(registry)
    new_key = (
        await registry.post("/sandbox/registry/entes/3304557/api-key", headers=bearer(rio["api_key"]))
    ).json()
    assert (await registry.get("/sandbox/registry/entes", headers=bearer(rio["api_key"]))).status_code == 401
    assert (
        await registry.get("/sandbox/registry/entes", headers=bearer(new_key["api_key"]))
    ).status_code == 200


async def test_the_ente_view_names_its_key_version_which_rotation_changes(registry):
    rio = await new_ente(registry)
    before = (await registry.get("/sandbox/registry/entes/3304557")).json()["api_key_version"]
    assert before and before not in rio["api_key"]
    rotated = (await registry.post("/sandbox/registry/entes/3304557/api-key")).json()["api_key"]
    after = (await registry.get("/sandbox/registry/entes/3304557", headers=bearer(rotated))).json()
    assert after["api_key_version"] != before and after["api_key_version"] not in rotated
    listed = (await registry.get("/sandbox/registry/entes")).json()
    assert {e["ibge"]: e["api_key_version"] for e in listed}["3304557"] == after["api_key_version"]


async def test_topics_per_ente(registry, sandbox_settings):
    await new_ente(registry)
    topics = (await registry.get("/sandbox/registry/entes/3304557/topics")).json()["topics"]
    assert topics["login"] == f"{sandbox_settings.topic_namespace}.govbr.3304557.login"
    assert set(topics) == {"registry", "login", "assinatura", "tramita", "console"}


async def test_registry_events_validate_against_the_asyncapi_document(
    registry, sandbox_events, validate_event
):
    await new_ente(registry)
    event = await sandbox_events.wait_for(
        type="br.gov.sandbox.registry.ente.created", match={"ibge": "3304557"}
    )
    assert event.topic.endswith("govbr.3304557.registry")
    await sandbox_events.wait_for(type="br.gov.sandbox.registry.unit.changed", count=5)
    for received in sandbox_events.received:
        validate_event(received)
    served = (await registry.get("/sandbox/registry/asyncapi.json")).json()
    assert served["asyncapi"] == "3.0.0"
    assert any(
        m["name"] == "br.gov.sandbox.registry.ente.created" for m in served["components"]["messages"].values()
    )
    yaml_doc = await registry.get("/sandbox/registry/asyncapi.yaml")
    assert (
        yaml_doc.headers["content-type"].startswith("application/yaml") and "asyncapi: 3.0.0" in yaml_doc.text
    )


async def test_deleting_an_ente_removes_what_it_owned(registry):
    await new_ente(registry)
    await registry.post("/sandbox/registry/entes/3304557/login-clients", json=LOGIN_CLIENT)
    assert (await registry.delete("/sandbox/registry/entes/3304557")).status_code == 204
    assert (await registry.get("/sandbox/registry/entes/3304557")).status_code == 404
    assert (await registry.get("/sandbox/registry/clients/rj.portal")).status_code == 404


async def test_only_the_admin_registers_platform_clients(registry):
    rio = await new_ente(registry)
    body = {**LOGIN_CLIENT, "platform": True}
    response = await registry.post(
        "/sandbox/registry/entes/3304557/login-clients", json=body, headers=bearer(rio["api_key"])
    )
    assert response.status_code == 403
    ok = await registry.post(
        "/sandbox/registry/entes/3304557/login-clients",
        json={**LOGIN_CLIENT, "client_id": "rj.x"},
        headers=bearer(rio["api_key"]),
    )
    patch = await registry.patch(
        "/sandbox/registry/entes/3304557/login-clients/rj.x",
        json={"platform": True},
        headers=bearer(rio["api_key"]),
    )
    assert ok.status_code == 201 and patch.status_code == 403
