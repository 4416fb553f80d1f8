"""Every service against its own OpenAPI document (schemathesis): no unexpected 5xx, no undocumented status
code, no undocumented content type. Real processes over real HTTP (Tramita with its client certificate);
a few examples per operation keep the whole run to a few minutes. Browser pages are left to the page tests.
"""

from __future__ import annotations

import os
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from sandbox_kernel.secrets import admin_token
from sandbox_kernel.services import SERVICES
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import ServiceProcess, free_port

pytestmark = pytest.mark.e2e
BITS = "SANDBOX_ASSINATURA_CA_KEY_BITS"

EXAMPLES = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Pages (HTML for people, tested in a browser) and the long poll of pendências (waits up to 240 s).
NOT_API = (
    r"^/(authorize|login|consent|logout|confiabilidades/)$"
    r"|^/oauth2\.0/(authorize|login|consent)$"
    r"|^/sandbox/(dpc|verificar)$"
    r"|/pendencias"
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


def tramita_errors_are_platform_errors(ctx, response, case) -> bool | None:
    """Tramita answers business errors with 500 on purpose (as the real one): each must be its JSON error."""
    if response.status_code >= 500:
        body = response.json()
        assert set(body) == {"codigoErro", "mensagem"}, response.text[:300]
    return None


@pytest.fixture(scope="module")
def stack(tmp_path_factory, sandbox_kafka):
    base = tmp_path_factory.mktemp("contract")
    config = Settings(
        data_dir=base / "data",
        kafka_bootstrap_servers=sandbox_kafka,
        topic_namespace=f"t{uuid.uuid4().hex[:10]}",
        **{f"{name}_port": free_port() for name in SERVICES},
    )
    started: dict[str, ServiceProcess] = {}
    # 2048-bit signing CAs: the 4096-bit ones (as the real) take a minute to make on a busy machine.
    saved = os.environ.get(BITS)
    os.environ[BITS] = "2048"
    try:
        for name in SERVICES:  # the registry first: the others read it at start
            started[name] = ServiceProcess(name, config, base / f"{name}.log").start(timeout=90)
        yield config, {name: proc.url for name, proc in started.items()}
    finally:
        for proc in started.values():
            proc.stop()
        if saved is None:
            os.environ.pop(BITS, None)
        else:
            os.environ[BITS] = saved


def _verify(config: Settings) -> str:
    return str(config.data_dir / "pki" / "raiz-sandbox.crt")


def _schema(stack, name: str):
    config, urls = stack
    schema = schemathesis.openapi.from_url(f"{urls[name]}/openapi.json", verify=_verify(config))
    return schema.exclude(path_regex=NOT_API)


@pytest.fixture(scope="module")
def registry_schema(stack):
    return _schema(stack, "registry")


@pytest.fixture(scope="module")
def login_schema(stack):
    return _schema(stack, "login")


@pytest.fixture(scope="module")
def assinatura_schema(stack):
    return _schema(stack, "assinatura")


@pytest.fixture(scope="module")
def tramita_schema(stack):
    return _schema(stack, "tramita")


@pytest.fixture(scope="module")
def console_schema(stack):
    return _schema(stack, "console")


def _call(case, stack, name: str, **kwargs) -> None:
    config, urls = stack
    case.call_and_validate(base_url=urls[name], verify=_verify(config), timeout=30, **kwargs)


registry = schemathesis.pytest.from_fixture("registry_schema").exclude(path_regex=NOT_API)
login = schemathesis.pytest.from_fixture("login_schema").exclude(path_regex=NOT_API)
assinatura = schemathesis.pytest.from_fixture("assinatura_schema").exclude(path_regex=NOT_API)
tramita = schemathesis.pytest.from_fixture("tramita_schema").exclude(path_regex=NOT_API)
console = schemathesis.pytest.from_fixture("console_schema").exclude(path_regex=NOT_API)


@registry.parametrize()
@EXAMPLES
def test_registry_answers_only_what_it_documents(case, stack):
    token, _ = admin_token(stack[0])
    _call(case, stack, "registry", headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@login.parametrize()
@EXAMPLES
def test_login_answers_only_what_it_documents(case, stack):
    _call(case, stack, "login", checks=CHECKS)


@assinatura.parametrize()
@EXAMPLES
def test_assinatura_answers_only_what_it_documents(case, stack):
    _call(case, stack, "assinatura", checks=CHECKS)


@tramita.parametrize()
@EXAMPLES
def test_tramita_answers_only_what_it_documents(case, stack):
    tls = stack[0].data_dir / "tramita"
    _call(
        case,
        stack,
        "tramita",
        cert=(str(tls / "sistema.crt"), str(tls / "sistema.key")),
        checks=[status_code_conformance, content_type_conformance, tramita_errors_are_platform_errors],
    )


@console.parametrize()
@EXAMPLES
def test_console_answers_only_what_it_documents(case, stack):
    _call(case, stack, "console", checks=CHECKS)
