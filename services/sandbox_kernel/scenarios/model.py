"""The scenario file format (YAML), as pydantic models: the JSON Schema is generated from them.

A bad file is refused before anything runs, with the line and the field named (``arquivo.yaml:12: steps.1.login.persona:
campo obrigatório``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from ..clock import DurationError, parse_duration
from ..faults.rules import FaultSpec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


DEFAULT_SCOPES = {
    "login": ["openid", "email", "profile"],
    "assinatura": ["sign", "signature_session", "govbr"],
}


class ClientSetup(_Strict):
    name: str = Field(..., description="Nome local do cliente, usado pelos passos.")
    service: Literal["login", "assinatura"] = Field(
        "login", description="login (Acesso GOV.BR, passos login) ou assinatura (ITI, passos sign)."
    )
    redirect_uri: str = "https://app.sandbox.test/retorno"
    scopes: list[str] | None = Field(
        None,
        description="Escopos do cliente. Padrão: openid email profile (login); sign signature_session govbr "
        "(assinatura).",
    )

    def scope_list(self) -> list[str]:
        return self.scopes if self.scopes is not None else DEFAULT_SCOPES[self.service]


class SystemSetup(_Strict):
    name: str = Field(..., description="Nome local do sistema (Tramita), usado pelos passos.")


class Setup(_Strict):
    clients: list[ClientSetup] = []
    systems: list[SystemSetup] = Field(
        [], description="Sistemas do Tramita (certificado emitido pelo registry)."
    )
    faults: list[FaultSpec] = []
    clock: str | None = Field(None, description="Avança o relógio do ente antes dos passos (ex.: 8d).")


class LoginArgs(_Strict):
    client: str = Field(..., description="Nome de um cliente do setup.")
    persona: str = Field("99900000188", description="CPF da persona (login sem telas, login_hint).")
    expect_error: str | None = Field(
        None, description="Erro esperado na volta do /authorize (ex.: access_denied)."
    )
    expect_status: int = Field(200, description="Status esperado do POST /token.")
    replay_code: bool = Field(False, description="Reusa o code numa segunda troca (deve ser recusada).")
    check_id_token: Literal["valid", "new_kid"] | None = Field(
        None,
        description="Valida o id_token como um cliente OIDC (assinatura, iss, aud, nonce, exp). valid: com o "
        "JWKS guardado no início do cenário (antes das regras). new_kid: assinado com outra chave que não a "
        "keys[0] do JWKS (rotação): o cliente busca o /jwk de novo e então valida.",
    )


class LoginStep(_Strict):
    login: LoginArgs


class SignArgs(_Strict):
    client: str = Field(..., description="Nome de um cliente de assinatura do setup (service: assinatura).")
    persona: str = Field("99900000188", description="CPF de quem assina (autorização sem telas, login_hint).")
    scope: Literal["sign", "signature_session"] = Field(
        "sign", description="sign (um hash por token) ou signature_session (até 100 hashes por token)."
    )
    hashes: int = Field(
        1, ge=1, le=200, description="Quantos hashes SHA-256 diferentes assinar com o mesmo token."
    )
    expect_status: int = Field(
        200, description="Status esperado do último assinarPKCS7 (os anteriores devem dar 200)."
    )
    expect_text: str | None = Field(
        None, description="Trecho esperado no corpo da última resposta (ex.: o texto do 403 do manual)."
    )


class SignStep(_Strict):
    sign: SignArgs


class AdvanceClockStep(_Strict):
    advance_clock: str = Field(..., description="Quanto avançar o relógio do ente (ex.: 8d).")


class WaitStep(_Strict):
    wait: str = Field(..., description="Espera (ex.: 2s).")


class SendTramiteArgs(_Strict):
    system: str = Field(..., description="Nome de um sistema do setup.")
    to: str = Field(..., description="Sigla da unidade de destino do ente (ex.: RBSIL, o robô silencioso).")
    protocolo: str = Field("99990.000900/2026-00", description="Protocolo do processo.")
    documentos: list[str] | None = Field(
        None,
        min_length=1,
        description="Conteúdo (HTML) de cada documento, um componente cada, na ordem. Padrão: um despacho.",
    )
    same_nre: bool = Field(
        False, description="Reenvio: manda o NRE do último trâmite deste sistema (cabecalho.NRE)."
    )
    apenas_pendentes: bool = Field(
        False, description="cabecalho.enviarApenasComponentesDigitaisPendentes: só os componentes que faltam."
    )
    expect_requested: int | None = Field(
        None,
        ge=0,
        description="Quantos componentes a plataforma deve pedir (processosComComponentesDigitaisSolicitados).",
    )
    expect_codigo: str | None = Field(
        None,
        pattern=r"^\d{4}$",
        description="A plataforma deve recusar o envio com este codigoErro (ex.: 0047).",
    )
    expect_text: str | None = Field(None, description="Trecho esperado na mensagem da recusa.")


class SendTramiteStep(_Strict):
    send_tramite: SendTramiteArgs


class WaitSituacaoArgs(_Strict):
    system: str
    situacao: int = Field(..., ge=0, le=10, description="Situação esperada do último trâmite enviado.")
    within: str = "30s"


class WaitSituacaoStep(_Strict):
    wait_situacao: WaitSituacaoArgs


class TramitaCallArgs(_Strict):
    system: str
    method: Literal["GET", "POST", "PUT", "DELETE"] = "GET"
    path: str = Field(
        ..., description="Caminho sob /interoperabilidade/rest/v3; {idt} = último trâmite enviado."
    )
    expect_status: int = 200


class TramitaCallStep(_Strict):
    tramita_call: TramitaCallArgs


STEP_KINDS: dict[str, type[_Strict]] = {
    "login": LoginStep,
    "sign": SignStep,
    "advance_clock": AdvanceClockStep,
    "wait": WaitStep,
    "send_tramite": SendTramiteStep,
    "wait_situacao": WaitSituacaoStep,
    "tramita_call": TramitaCallStep,
}


def _step_kind(value: object) -> str | None:
    """The step's model, named by its key: errors then speak of that step only, not of every kind."""
    if isinstance(value, dict):
        kind = next((k for k in value if k in STEP_KINDS), None)
    else:
        kind = next((k for k, m in STEP_KINDS.items() if isinstance(value, m)), None)
    return STEP_KINDS[kind].__name__ if kind else None


Step = Annotated[
    Annotated[LoginStep, Tag("LoginStep")]
    | Annotated[SignStep, Tag("SignStep")]
    | Annotated[AdvanceClockStep, Tag("AdvanceClockStep")]
    | Annotated[WaitStep, Tag("WaitStep")]
    | Annotated[SendTramiteStep, Tag("SendTramiteStep")]
    | Annotated[WaitSituacaoStep, Tag("WaitSituacaoStep")]
    | Annotated[TramitaCallStep, Tag("TramitaCallStep")],
    Discriminator(
        _step_kind,
        custom_error_type="passo_desconhecido",
        custom_error_message="passo desconhecido; passos: " + ", ".join(STEP_KINDS),
    ),
]


class ExpectedEvent(_Strict):
    type: str = Field(..., description="Tipo CloudEvents (br.gov.sandbox.<serviço>.<entidade>.<verbo>).")
    fields: dict[str, object] = Field(
        default_factory=dict, description="Campos de data que devem ter esses valores."
    )


class Expect(_Strict):
    events: list[ExpectedEvent] = []
    ordered: bool = Field(True, description="Os eventos devem chegar nesta ordem.")
    within: str = Field("20s", description="Prazo para todos chegarem.")


class Scenario(_Strict):
    name: str
    description: str | None = None
    ente: str = Field("3550308", pattern=r"^\d{7}$")
    setup: Setup = Setup()
    steps: list[Step] = []
    expect: Expect = Expect()


class ScenarioError(Exception):
    """A scenario file that cannot run: the message names the file, the line and the field."""


def json_schema() -> dict:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "govbr-sandbox scenario"
    return schema


def _line(node, loc: tuple) -> int | None:
    """The line of the YAML node at ``loc`` (or of the deepest parent that exists)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line


def load_scenario(path: Path) -> Scenario:
    text = path.read_text()
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ScenarioError(f"{path}{where}: YAML inválido: {getattr(exc, 'problem', exc)}") from None
    try:
        scenario = Scenario.model_validate(data)
        for step in scenario.steps:
            within = getattr(getattr(step, "wait_situacao", None), "within", None)
            for value in (getattr(step, "advance_clock", None), getattr(step, "wait", None), within):
                if value is not None:
                    parse_duration(value)
        parse_duration(scenario.expect.within)
        if scenario.setup.clock:
            parse_duration(scenario.setup.clock)
    except ValidationError as exc:
        lines = []
        for error in exc.errors()[:5]:
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.endswith("Step")))
            field = ".".join(str(p) for p in loc) or "(raiz)"
            lines.append(f"{path}:{_line(root, loc)}: {field}: {error['msg']}")
        raise ScenarioError("\n".join(lines)) from None
    except DurationError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    systems = {s.name for s in scenario.setup.systems}
    clients = {
        service: {c.name for c in scenario.setup.clients if c.service == service}
        for service in ("login", "assinatura")
    }
    for index, step in enumerate(scenario.steps):
        kind = next(iter(type(step).model_fields))
        args = getattr(step, kind)
        if hasattr(args, "system") and args.system not in systems:
            line = _line(root, ("steps", index, kind, "system"))
            raise ScenarioError(
                f"{path}:{line}: steps.{index}.{kind}.system: sistema {args.system!r} não está "
                f"em setup.systems ({', '.join(sorted(systems)) or 'nenhum'})"
            )
        service = {"login": "login", "sign": "assinatura"}.get(kind)
        if service and args.client not in clients[service]:
            line = _line(root, ("steps", index, kind, "client"))
            raise ScenarioError(
                f"{path}:{line}: steps.{index}.{kind}.client: cliente {args.client!r} não está em "
                f"setup.clients com service: {service} ({', '.join(sorted(clients[service])) or 'nenhum'})"
            )
    return scenario


Kind = Literal["passed", "failed", "error"]
