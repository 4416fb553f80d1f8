"""Every service against its own OpenAPI document (schemathesis): no unexpected 5xx, no undocumented status
code, no undocumented content type. Real HTTP on real ports, with the TLS and mutual TLS `serve` sets up
(Tramita with its client certificate); the apps run in threads of this process, as the subject is what they
answer, not the process. Each service's calls share one keep-alive session (cookies dropped between calls),
so the run pays each TLS handshake once, not per call. A few examples per operation keep the whole run
short. Browser pages are left to the page tests.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance
from schemathesis.transport.requests import ManagedCookiesSession

from sandbox_kernel.secrets import admin_token
from sandbox_kernel.services import SERVICES
from sandbox_kernel.settings import Settings
from sandbox_kernel.testing.processes import free_port
from sandbox_kernel.testing.servers import ServerThread

pytestmark = [
    pytest.mark.e2e,
    # The services' threads (aiokafka picks a broker node with `random.choice`) touch the global `random`
    # while Hypothesis draws a case; the strategies themselves do not use it.
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

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
def stack(tmp_path_factory, sandbox_kafka, sandbox_templates):
    """Every service on its port, from a copy of the session's template data dir (PKI and seeded registry)."""
    namespace = f"t{uuid.uuid4().hex[:10]}"
    data_dir = tmp_path_factory.mktemp("contract") / "data"
    sandbox_templates.get("sqlite").copy_files(data_dir, namespace)
    config = Settings(
        data_dir=data_dir,
        kafka_bootstrap_servers=sandbox_kafka,
        topic_namespace=namespace,
        **{f"{name}_port": free_port() for name in SERVICES},
    )
    started: list[ServerThread] = []
    try:
        for name in SERVICES:  # the registry first: the others read it at start
            started.append(ServerThread(name, config).start(timeout=90))
        yield config, {server.service.name: server.url for server in started}
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture(scope="module")
def sessions():
    """One keep-alive session per service; schemathesis drops its cookies after every call."""
    kept: dict[str, ManagedCookiesSession] = {}
    yield kept
    for session in kept.values():
        session.close()


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


def _call(case, stack, sessions, name: str, **kwargs) -> None:
    config, urls = stack
    session = sessions.setdefault(name, ManagedCookiesSession())
    case.call_and_validate(base_url=urls[name], session=session, verify=_verify(config), timeout=30, **kwargs)


registry = schemathesis.pytest.from_fixture("registry_schema").exclude(path_regex=NOT_API)
login = schemathesis.pytest.from_fixture("login_schema").exclude(path_regex=NOT_API)
assinatura = schemathesis.pytest.from_fixture("assinatura_schema").exclude(path_regex=NOT_API)
tramita = schemathesis.pytest.from_fixture("tramita_schema").exclude(path_regex=NOT_API)
console = schemathesis.pytest.from_fixture("console_schema").exclude(path_regex=NOT_API)


@registry.parametrize()
@EXAMPLES
def test_registry_answers_only_what_it_documents(case, stack, sessions):
    token, _ = admin_token(stack[0])
    _call(case, stack, sessions, "registry", headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@login.parametrize()
@EXAMPLES
def test_login_answers_only_what_it_documents(case, stack, sessions):
    _call(case, stack, sessions, "login", checks=CHECKS)


@assinatura.parametrize()
@EXAMPLES
def test_assinatura_answers_only_what_it_documents(case, stack, sessions):
    _call(case, stack, sessions, "assinatura", checks=CHECKS)


@tramita.parametrize()
@EXAMPLES
def test_tramita_answers_only_what_it_documents(case, stack, sessions):
    tls = stack[0].data_dir / "tramita"
    _call(
        case,
        stack,
        sessions,
        "tramita",
        cert=(str(tls / "sistema.crt"), str(tls / "sistema.key")),
        checks=[status_code_conformance, content_type_conformance, tramita_errors_are_platform_errors],
    )


@console.parametrize()
@EXAMPLES
def test_console_answers_only_what_it_documents(case, stack, sessions):
    _call(case, stack, sessions, "console", checks=CHECKS)
