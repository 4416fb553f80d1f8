"""Bad input to the registry gets 422 dados_invalidos (or 404) naming the field, never a 500 (issue #11)."""

from __future__ import annotations

HUGE = "9" * 20  # past any INTEGER column: PostgreSQL refuses to even look it up


async def test_generating_personas_for_an_empty_ente_is_invalid_not_a_500(registry):
    response = await registry.post(
        "/sandbox/registry/personas/generate", json={"ente": "", "quantidade": 1, "semente": 0}
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["erro"] == "dados_invalidos"
    assert [f["campo"] for f in body["campos"]] == ["ente"]
    # Nothing was half-created.
    assert len((await registry.get("/sandbox/registry/personas")).json()) == len(
        (await registry.get("/sandbox/registry/personas", params={"ente": "3550308"})).json()
    )


async def test_bad_inputs_across_the_registry_are_4xx_with_portuguese_fields(registry):
    cases = [
        # (method, path, body, status, field)
        ("POST", "/sandbox/registry/labs", {"nome": "t1", "trainees": 1, "uf": "XX"}, 422, "uf"),
        ("POST", "/sandbox/registry/labs", {"nome": "t2", "trainees": 1, "uf": ""}, 422, "uf"),
        (
            "POST",
            "/sandbox/registry/labs",
            {"nome": "t3", "trainees": 1, "redirect_uris": ["javascript:alert(1)"]},
            422,
            "redirect_uris",
        ),
        ("PATCH", "/sandbox/registry/estruturas/100001", {"nome": None}, 422, "nome"),
        ("GET", f"/sandbox/registry/estruturas/{HUGE}", None, 404, None),
        ("GET", f"/sandbox/registry/estruturas/{HUGE}/filhas", None, 404, None),
        ("GET", f"/sandbox/registry/repositorios/{HUGE}/estruturas", None, 404, None),
        (
            "POST",
            "/sandbox/registry/entes/3550308/estruturas",
            {"nome": "Nova", "sigla": "NV", "parent_id": HUGE},
            404,
            None,
        ),
    ]
    for method, path, body, status, field in cases:
        response = await registry.request(method, path, json=body)
        assert response.status_code == status, (method, path, body, response.text)
        data = response.json()
        if status == 422:
            assert data["erro"] == "dados_invalidos"
            assert any(f["campo"].startswith(field) for f in data["campos"]), data
        else:
            assert data["erro"] == "nao_encontrado"
    # None of the refused labs was created.
    assert (await registry.get("/sandbox/registry/labs/t1")).status_code == 404
