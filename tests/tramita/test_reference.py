"""healthcheck, reference lists and the org-structure directory, over mutual TLS."""

from __future__ import annotations

import asyncio
import json
import ssl

from .conftest import assert_error


async def test_healthcheck_and_reference_lists(tramita):
    async with tramita.client(tramita.seed) as pen:
        assert (await pen.get("/healthcheck")).status_code == 200
        especies = (await pen.get("/especies")).json()["especies"]
        codes = {int(e["codigo"]) for e in especies}
        assert codes == set(range(1, 187)) | {999}
        assert {"codigo": "42", "nomeNoProdutor": "Despacho"} in especies
        todas = (await pen.get("/hipoteses")).json()["hipotesesLegais"]
        ativas = (await pen.get("/hipoteses", params={"ativos": "1"})).json()["hipotesesLegais"]
        inativas = (await pen.get("/hipoteses", params={"status": "false"})).json()["hipotesesLegais"]
        assert ativas and inativas and len(ativas) + len(inativas) == len(todas)
        assert all(h["status"] for h in ativas) and not any(h["status"] for h in inativas)
        assert set(todas[0]) == {"identificacao", "nome", "baseLegal", "descricao", "status"}
        motivos = (await pen.get("/motivosUrgencia")).json()["motivosUrgencia"]
        assert motivos and set(motivos[0]) == {"descricao"}
        assert_error(await pen.get("/hipoteses", params={"ativos": "talvez"}), "0001", contains="ativos")
        # the same routes under v4
        v4 = str(pen.http.base_url).replace("/v3", "/v4")
        assert (await pen.http.get(f"{v4}/healthcheck")).status_code == 200


async def test_repositories_and_structures(tramita):
    prot = tramita.unit("PROT")
    repo = prot["repository_id"]
    async with tramita.client(tramita.seed) as pen:
        repos = (await pen.get("/repositorios-de-estruturas", params={"ativos": "true"})).json()
        assert isinstance(repos, list) and {"id", "nome", "ativo"} <= set(repos[0])
        assert repo in {r["id"] for r in repos}

        found = (
            await pen.get(
                f"/repositorios-de-estruturas/{repo}/estruturas-organizacionais",
                params={
                    "nome": "robo",
                    "apenasAtivas": "1",
                    "registroInicial": 0,
                    "quantidadeDeRegistros": 2,
                },
            )
        ).json()
        assert found["totalDeRegistros"] >= 4 and len(found["estruturas"]) == 2
        first = found["estruturas"][0]
        assert list(first) == [
            "numeroDeIdentificacaoDaEstrutura", "nome", "sigla", "ativo", "unidadeReceptora",
            "aptoParaReceberTramites", "codigoNoOrgaoEntidade", "codigoUnidadeReceptora", "tipoDeTramitacao",
            "hierarquia",
        ]  # fmt: skip
        assert "robot" not in first and "repository_id" not in first

        one = await pen.get(
            f"/repositorios-de-estruturas/{repo}/estruturas-organizacionais/{prot['numeroDeIdentificacaoDaEstrutura']}"
        )
        assert one.status_code == 200 and one.json()["sigla"] == "PROT"
        assert_error(
            await pen.get(
                f"/repositorios-de-estruturas/1/estruturas-organizacionais/{prot['numeroDeIdentificacaoDaEstrutura']}"
            ),
            "0055",
        )
        parent = prot["parent_id"]
        filhas = (
            await pen.get(f"/repositorios-de-estruturas/{repo}/estruturas-organizacionais/{parent}/filhas")
        ).json()
        assert prot["numeroDeIdentificacaoDaEstrutura"] in {
            u["numeroDeIdentificacaoDaEstrutura"] for u in filhas
        }


async def test_connection_info_lists_the_robots_and_how_to_trust_the_ca(tramita):
    import httpx

    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=tramita.ca)) as http:
        for _ in range(50):
            info = (await http.get(f"{tramita.base_url}/sandbox/tramita/info")).json()
            if info["robos"]:
                break
            await asyncio.sleep(0.1)
    assert info["base_url"].endswith("/interoperabilidade/rest/v3/")
    (robos,) = [r for r in info["robos"] if r["ente"] == "3550308"]
    assert sorted(u["robot"]["kind"] for u in robos["unidades"]) == ["accept", "refuse", "send", "silent"]
    assert "PRIVATE KEY" not in json.dumps(info)
    saved = json.loads((tramita.settings.data_dir / "tramita" / "info.json").read_text())
    assert saved["robos"][0]["sistema"] == robos["sistema"]
