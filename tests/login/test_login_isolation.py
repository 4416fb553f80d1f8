"""Personas belong to an ente: the browser's gov.br session does not carry them to another ente's client,
and only the signed-in citizen raises their own level."""

from __future__ import annotations

import secrets

import pytest

from .conftest import REDIRECT, authorize_params, pkce, query_of

ENTE_A, ENTE_B = "3550308", "3304557"


def _persona_of(stack, ente: str) -> dict:
    response = stack.registry.post(
        "/personas/generate", json={"quantidade": 1, "semente": secrets.randbelow(10**9), "ente": ente}
    )
    assert response.status_code == 201, response.text
    persona = response.json()[0]
    lowered = stack.registry.patch(
        f"/personas/{persona['cpf']}",
        json={"nivel": "bronze", "selos": [{"id": "201", "updated_at": "2026-01-02T10:00:00Z"}]},
    )
    assert lowered.status_code == 200, lowered.text
    return persona | {"nivel": "bronze"}


def _client_of(stack, ente: str) -> dict:
    if stack.registry.get(f"/entes/{ente}").status_code == 404:
        created = stack.registry.post("/entes", json={"ibge": ente, "nome": "Rio de Janeiro", "uf": "RJ"})
        assert created.status_code == 201, created.text
    response = stack.registry.post(
        f"/entes/{ente}/login-clients", json={"nome": f"App do ente {ente}", "redirect_uris": [REDIRECT]}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _sign_in(stack, client: dict, cpf: str) -> None:
    """The login page's one-click persona: leaves the gov.br session cookie in ``stack.login``."""
    _, challenge = pkce()
    to_login = await stack.login.get("/authorize", params=authorize_params(client["client_id"], challenge))
    authorization_id = query_of(to_login)["authorization_id"]
    signed_in = await stack.login.post("/login", data={"authorization_id": authorization_id, "cpf": cpf})
    assert signed_in.status_code == 303 and signed_in.headers["location"].startswith("/consent")


@pytest.mark.storage
async def test_a_session_of_one_ente_does_not_log_in_another_entes_client(stack):
    persona_a = _persona_of(stack, ENTE_A)
    client_a, other_a, client_b = (
        _client_of(stack, ENTE_A),
        _client_of(stack, ENTE_A),
        _client_of(stack, ENTE_B),
    )
    await _sign_in(stack, client_a, persona_a["cpf"])

    # same ente: gov.br does not ask again
    _, challenge = pkce()
    same = await stack.login.get("/authorize", params=authorize_params(other_a["client_id"], challenge))
    assert same.headers["location"].startswith("/consent")

    # another ente: its login page, where this persona is unknown
    _, challenge = pkce()
    other = await stack.login.get("/authorize", params=authorize_params(client_b["client_id"], challenge))
    assert other.headers["location"].startswith("/login")
    authorization_id = query_of(other)["authorization_id"]
    consent_page = await stack.login.get("/consent", params={"authorization_id": authorization_id})
    assert consent_page.status_code == 302 and consent_page.headers["location"].startswith("/login")
    forced = await stack.login.post(
        "/consent", data={"authorization_id": authorization_id, "decisao": "autorizar"}
    )
    assert forced.status_code == 400 and "location" not in forced.headers  # no code for client B


@pytest.mark.storage
async def test_only_the_signed_in_persona_raises_its_level(stack):
    mine, someone_else = _persona_of(stack, ENTE_A), _persona_of(stack, ENTE_A)
    anonymous = await stack.login.post("/confiabilidades/", data={"cpf": mine["cpf"], "nivel": "ouro"})
    assert anonymous.status_code == 401 and "Entre" in anonymous.text
    assert stack.registry.get(f"/personas/{mine['cpf']}").json()["nivel"] == mine["nivel"]

    await _sign_in(stack, _client_of(stack, ENTE_A), mine["cpf"])
    page = await stack.login.get("/confiabilidades/")
    assert mine["nome"] in page.text and someone_else["nome"] not in page.text
    raised = await stack.login.post("/confiabilidades/", data={"cpf": someone_else["cpf"], "nivel": "ouro"})
    assert raised.status_code == 303
    assert stack.registry.get(f"/personas/{mine['cpf']}").json()["nivel"] == "ouro"
    assert stack.registry.get(f"/personas/{someone_else['cpf']}").json()["nivel"] == someone_else["nivel"]
