"""An unknown path or method gets the platform's own error body, never FastAPI's {"detail": "Not Found"}."""

from __future__ import annotations

import importlib

import httpx
import pytest

from sandbox_kernel.services import resolve_service
from sandbox_kernel.settings import Settings


@pytest.fixture
def client_of(tmp_path):
    clients: list[httpx.AsyncClient] = []

    def make(name: str) -> httpx.AsyncClient:
        # Routing misses touch no storage: the app without its lifespan is enough.
        module = importlib.import_module(f"{resolve_service(name).package}.app")
        app = module.create_app(Settings(data_dir=tmp_path / "data"))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test")
        clients.append(client)
        return client

    yield make


async def test_registry_answers_erro_and_mensagem(client_of):
    response = await client_of("registry").get("/sandbox/registry/nada")
    assert response.status_code == 404
    body = response.json()
    assert body["erro"] == "nao_encontrado"
    assert "/sandbox/registry/nada" in body["mensagem"]
    assert "detail" not in body


async def test_login_answers_the_roteiro_error_keys(client_of):
    response = await client_of("login").get("/nada/aqui")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert body["erro_description"] == body["error_description"]
    assert "/nada/aqui" in body["erro_description"]


async def test_assinatura_answers_spring_boot_error(client_of):
    response = await client_of("assinatura").get("/externo/v2/nada")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"timestamp", "status", "error", "message", "path"}
    assert (body["status"], body["error"], body["path"]) == (404, "Not Found", "/externo/v2/nada")
    assert isinstance(body["timestamp"], int)


async def test_tramita_answers_codigo_erro_and_mensagem(client_of):
    response = await client_of("tramita").get("/interoperabilidade/rest/v3/nada")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"codigoErro", "mensagem"}
    assert body["codigoErro"] == "0990"


async def test_wrong_method_keeps_405_and_allow_header(client_of):
    response = await client_of("assinatura").delete("/sandbox/health")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json()["error"] == "Method Not Allowed"


async def test_console_answers_the_sandbox_format(client_of):
    response = await client_of("console").get("/api/nada")
    assert response.status_code == 404
    assert response.json()["erro"] == "nao_encontrado"


async def test_unparseable_body_answers_in_the_platform_format(client_of):
    response = await client_of("registry").post(
        "/sandbox/registry/personas", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert "erro" in response.json() and "detail" not in response.json()


def test_openapi_declares_real_content_types_and_platform_errors(tmp_path):
    from registry.app import create_app as registry_app
    from tramita_mock.app import create_app as tramita_app

    doc = registry_app(Settings(data_dir=tmp_path / "r")).openapi()
    assert list(doc["paths"]["/sandbox/registry/asyncapi.yaml"]["get"]["responses"]["200"]["content"]) == [
        "application/yaml"
    ]
    assert list(doc["paths"]["/sandbox/registry/ca.pem"]["get"]["responses"]["200"]["content"]) == [
        "application/x-pem-file"
    ]
    assert {"401", "403", "404", "409"} <= set(
        doc["paths"]["/sandbox/registry/personas/{cpf}"]["put"]["responses"]
    )
    doc = tramita_app(Settings(data_dir=tmp_path / "t")).openapi()
    responses = doc["paths"]["/interoperabilidade/rest/v3/tramites/{idt}"]["get"]["responses"]
    assert "422" not in responses  # Tramita answers validation errors with 500 codigoErro 0001
    assert responses["500"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErroTramita")
