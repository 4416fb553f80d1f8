"""Tramita test helpers: the real registry over real HTTP from a thread (``sandbox_server``), the Tramita app served by uvicorn over real mutual
TLS on a free port (the same ``uvicorn_options`` serve.py uses), and a client that follows the call
sequence of the PEN REST clients (SEI module, SUAP)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn

from sandbox_kernel.secrets import admin_token
from sandbox_kernel.testing.processes import free_port
from tramita_mock.app import create_app, uvicorn_options
from tramita_mock.settings import TramitaSettings

SEED_ENTE = "3550308"
API = "/interoperabilidade/rest/v3"


def sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def now_utc() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Bundle:
    system_id: str
    cert: Path
    key: Path
    unidades: list[str]


@dataclass
class Tramita:
    base_url: str
    ca: str
    app: object
    settings: object
    registry: httpx.AsyncClient  # admin client on the registry
    units: dict[str, dict]  # the seed ente's units by sigla (robots: RBACE, RBREC, RBENV, RBSIL)
    seed: Bundle
    tmp: Path

    def client(self, bundle: Bundle | None, **kwargs) -> PenClient:
        context = ssl.create_default_context(cafile=self.ca)  # trust the sandbox root
        if bundle is not None:
            context.load_cert_chain(bundle.cert, bundle.key)  # the system's client certificate
        http = httpx.AsyncClient(base_url=self.base_url + API, verify=context, timeout=60, **kwargs)
        return PenClient(http, self)

    def unit(self, sigla: str) -> dict:
        return self.units[sigla]

    async def new_system(self, nome: str, unidades: list[str], ente: str = SEED_ENTE) -> Bundle:
        created = await self.registry.post(
            f"/entes/{ente}/systems", json={"nome": nome, "unidades": unidades}
        )
        assert created.status_code == 201, created.text
        body = created.json()
        folder = self.tmp / body["id"]
        folder.mkdir()
        (folder / "c.crt").write_text(body["certificate_pem"])
        (folder / "c.key").write_text(body["private_key_pem"])
        return Bundle(body["id"], folder / "c.crt", folder / "c.key", unidades)


def ref(unit: dict) -> dict:
    return {
        "identificacaoDoRepositorioDeEstruturas": unit["repository_id"],
        "numeroDeIdentificacaoDaEstrutura": unit["numeroDeIdentificacaoDaEstrutura"],
    }


def component(nome: str, data: bytes, mime: str = "application/pdf", ordem: int = 1) -> dict:
    return {
        "ordem": ordem,
        "nome": nome,
        "hash": {"algoritmo": "SHA256", "conteudo": sha(data)},
        "tamanhoEmBytes": len(data),
        "mimeType": mime,
        "tipoDeConteudo": "txt",
    }


def documento(ordem: int, comps: list[dict], especie: int = 42, nome_especie: str = "Despacho") -> dict:
    return {
        "ordem": ordem,
        "descricao": "***",
        "retirado": False,
        "nivelDeSigilo": 1,
        "dataHoraDeProducao": "2026-11-20T10:20:30-03:00",
        "dataHoraDeRegistro": "2026-11-20T10:20:30-03:00",
        "produtor": {
            "nome": "Servidora Sintética",
            "tipo": "fisica",
            "unidade": {"nome": "PROT", "tipo": "orgaopublico"},
        },
        "especie": {"codigo": especie, "nomeNoProdutor": nome_especie},
        "identificacao": {"numero": ordem, "siglaDaUnidadeProdutora": "PROT", "ano": "2026"},
        "componentesDigitais": comps,
        "idDocumentoSEI": 1000 + ordem,  # SEI's own keys: the platform tolerates them
    }


def processo_body(
    remetente: dict, destinatario: dict, docs: list[dict], protocolo: str, nre: str | None = None, **cab
) -> dict:
    cabecalho = {
        "remetente": ref(remetente),
        "destinatario": ref(destinatario),
        "enviarApenasComponentesDigitaisPendentes": False,
        "urgencia": False,
        "propriedadesAdicionais": [{"chave": "MODULO_PEN_VERSAO", "valor": "4.0.3"}],
        **cab,
    }
    if nre:
        cabecalho["NRE"] = nre
    return {
        "cabecalho": cabecalho,
        "processo": {
            "protocolo": protocolo,
            "nivelDeSigilo": 1,
            "processoDeNegocio": "Licitação",
            "descricao": "Processo de teste",
            "dataHoraDeProducao": "2026-11-20T10:20:30-03:00",
            "dataHoraDeRegistro": "2026-11-20T10:20:30-03:00",
            "produtor": {"nome": "Servidora Sintética", "tipo": "fisica"},
            "interessados": [{"nome": "Cidadão Sintético"}],
            "documentos": docs,
            "itensHistorico": [],
            "staTipoProtocolo": "P",
        },
    }


class PenClient:
    """Calls in the order and shape of the SEI module / SUAP."""

    def __init__(self, http: httpx.AsyncClient, tramita: Tramita) -> None:
        self.http = http
        self.tramita = tramita

    async def __aenter__(self) -> PenClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.aclose()

    async def get(self, path: str, **kw) -> httpx.Response:
        return await self.http.get(path, **kw)

    async def post(self, path: str, **kw) -> httpx.Response:
        return await self.http.post(path, **kw)

    async def send(self, body: dict) -> dict:
        response = await self.http.post("/tramites/processo", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def upload(
        self, ticket: int, protocolo: str, data: bytes, *, query_form: bool = False
    ) -> httpx.Response:
        url = f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"
        fields = {"hashDoComponenteDigital": sha(data), "protocolo": protocolo}
        if (
            query_form
        ):  # mod-sei-pen 4.0.x functional tests: ids in the query string, only conteudo in the body
            return await self.http.put(
                url, params=fields, files={"conteudo": ("conteudo.html", data, "text/html")}
            )
        return await self.http.put(url, files={"conteudo": ("conteudo.html", data, "text/html")}, data=fields)

    async def upload_parts(
        self, ticket: int, protocolo: str, data: bytes, block: int, *, query_form: bool = False
    ) -> None:
        url = f"/tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar"
        fields = {"hashDoComponenteDigital": sha(data), "protocolo": protocolo}
        for inicio in range(0, len(data), block):
            fim = min(inicio + block, len(data))
            files = {"conteudo": ("arquivo_externo.html", data[inicio:fim], "application/octet-stream")}
            if query_form:
                r = await self.http.put(f"{url}/partes/{inicio}-{fim}", params=fields, files=files)
            else:
                r = await self.http.put(f"{url}/partes/{inicio}-{fim}", files=files, data=fields)
            assert r.status_code == 200, r.text
        r = await self.http.post(f"{url}/partes/sinalizacao-termino-envio", json=fields)
        assert r.status_code == 200, r.text

    async def situacao(self, idt: int) -> int:
        response = await self.http.get("/tramites", params={"IDT": idt})
        assert response.status_code == 200, response.text
        return response.json()["tramites"][0]["situacaoAtual"]

    async def wait_situacao(self, idt: int, wanted: int, timeout: float = 20) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        last = None
        while asyncio.get_running_loop().time() < deadline:
            last = await self.situacao(idt)
            if last == wanted:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"trâmite {idt} ficou em {last}, esperado {wanted}")


def assert_error(response: httpx.Response, codigo: str, status: int = 500, contains: str = "") -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"codigoErro", "mensagem"}, body
    assert body["codigoErro"] == codigo, body
    assert contains in body["mensagem"], body
    return body


@contextlib.asynccontextmanager
async def serve_tramita(settings, tramita_settings: TramitaSettings):
    """The app under uvicorn, over HTTPS with client certificates, on a free port (in this process)."""
    app = create_app(settings, tramita_settings)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,  # leave the test process's logging alone (test_logs reads uvicorn.access records)
        log_level="warning",
        lifespan="on",
        proxy_headers=False,
        **uvicorn_options(settings, tramita_settings),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(300):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    if task.done():
        task.result()
    assert server.started, "uvicorn did not start"
    try:
        yield app, f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture
def tramita_settings() -> TramitaSettings:
    return TramitaSettings(expiry_check_seconds=0.2)


@pytest.fixture
async def tramita(sandbox_server, sandbox_settings, tramita_settings, tmp_path) -> Tramita:
    sandbox_server("registry")
    token, _ = admin_token(sandbox_settings)
    registry = httpx.AsyncClient(
        base_url=f"{sandbox_settings.registry_base_url}/sandbox/registry",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    units = (await registry.get(f"/entes/{SEED_ENTE}/estruturas")).json()
    by_sigla = {u["sigla"]: u for u in units}
    data = sandbox_settings.data_dir / "tramita"
    own = [u["numeroDeIdentificacaoDaEstrutura"] for u in units if not u["robot"]]
    seed = Bundle("seed", data / "sistema.crt", data / "sistema.key", own)
    async with serve_tramita(sandbox_settings, tramita_settings) as (app, url):
        ca = str(sandbox_settings.data_dir / "pki" / "raiz-sandbox.crt")
        yield Tramita(url, ca, app, sandbox_settings, registry, by_sigla, seed, tmp_path)
    await registry.aclose()
