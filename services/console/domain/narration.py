"""Plain-Portuguese sentences for events: "Maria da Silva Santos (ouro) entrou pelo app Portal do Cidadão".

Names come from a ``Names`` lookup the caller fills (personas by CPF, apps by client_id), so this module
stays pure. An event type without a sentence here gets ``None``: the pages then show it raw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .events import ConsoleEvent

SITUACOES = {
    0: "aguardando envio de metadados",
    1: "aguardando o envio dos arquivos digitais",
    2: "arquivos digitais recebidos pelo Tramita GOV.BR",
    3: "metadados recebidos pelo destinatário",
    4: "arquivos digitais recebidos pelo destinatário",
    5: "recibo de conclusão recebido pelo Tramita GOV.BR",
    6: "recibo de conclusão recebido pelo remetente",
    7: "trâmite cancelado",
    8: "trâmite recusado, aguardando ciência do remetente",
    9: "ciência da recusa recebida pelo remetente",
    10: "trâmite cancelado automaticamente",
}

LOGIN_METHODS = {
    "persona": "com um clique na persona",
    "senha": "com CPF e senha",
    "login_hint": "por login_hint (sem páginas)",
}


@dataclass(frozen=True)
class Names:
    personas: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # cpf -> (nome, nivel)
    apps: Mapping[str, str] = field(default_factory=dict)  # client_id -> nome

    def persona(self, cpf: str | None, nivel: str | None = None) -> str:
        if not cpf:
            return "alguém"
        nome, known_nivel = self.personas.get(cpf, (None, None))
        level = nivel or known_nivel
        label = nome or f"CPF {cpf}"
        return f"{label} ({level})" if level else label

    def app(self, client_id: str | None) -> str:
        if not client_id:
            return "um app desconhecido"
        return self.apps.get(client_id) or client_id


def _list(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "nenhum"


Sentence = Callable[[dict[str, Any], Names], str]


def _login_auth(d: dict, n: Names) -> str:
    how = LOGIN_METHODS.get(d.get("method", ""), d.get("method", ""))
    return (
        f"{n.persona(d.get('cpf'), d.get('nivel'))} entrou pelo app {n.app(d.get('client_id'))} {how}".strip()
    )


def _authorize_requested(d: dict, n: Names) -> str:
    extra = [] if d.get("pkce") else ["sem PKCE"]
    if d.get("headless"):
        extra.append("sem páginas (login_hint)")
    if d.get("legacy_omissions"):
        extra.append("modo legado: sem " + _list(d["legacy_omissions"]))
    tail = f" ({'; '.join(extra)})" if extra else ""
    return f"o app {n.app(d.get('client_id'))} pediu login com os escopos {_list(d.get('scopes'))}{tail}"


def _status_changed(d: dict, n: Names) -> str:
    de, para = d.get("de"), d.get("para")
    step = f"situação {de} → {para}" if de is not None else f"situação {para}"
    text = SITUACOES[para] if para in SITUACOES else d.get("descricao", "")
    who = "" if d.get("ator") in (None, "plataforma") else f", por {d['ator']}"
    return f"trâmite {d.get('IDT')} ({d.get('protocolo')}): {step}, {text}{who}"


SENTENCES: dict[str, Sentence] = {
    # Acesso GOV.BR
    "login.authorize.requested": _authorize_requested,
    "login.authorize.rejected": lambda d, n: f"GET /authorize recusado: {d.get('reason')}",
    "login.user.authenticated": _login_auth,
    "login.authentication.failed": lambda d, n: f"falha ao entrar: {d.get('reason')}",
    "login.consent.granted": lambda d, n: (
        f"{n.persona(d.get('cpf'))} autorizou o uso dos dados ({_list(d.get('scopes'))})"
        + {"lembrado": ", consentimento já dado antes", "auto_approve": ", aprovação automática"}.get(
            d.get("how", ""), ""
        )
    ),
    "login.consent.denied": lambda d, n: (
        f"{n.persona(d.get('cpf'))} clicou em Cancelar: o app recebe error=access_denied"
    ),
    "login.token.issued": lambda d, n: (
        f"token emitido com {d.get('client_auth')} (access_token por {d.get('expires_in')} s)"
    ),
    "login.token.rejected": lambda d, n: f"POST /token recusado: {d.get('reason')}",
    "login.userinfo.served": lambda d, n: f"userinfo servido ({_list(d.get('claims'))})",
    "login.api.served": lambda d, n: f"API {d.get('api')} respondeu ({d.get('path')})",
    "login.api.rejected": lambda d, n: f"API {d.get('api')} recusou a chamada: {d.get('error')}",
    "login.logout.completed": lambda d, n: f"sessão gov.br de {n.persona(d.get('cpf'))} encerrada",
    "login.signing_key.rotated": lambda d, n: f"chave de assinatura dos tokens trocada (kid {d.get('kid')})",
    # Assinatura GOV.BR
    "assinatura.authorization.requested": lambda d, n: (
        f"o app {n.app(d.get('client_id'))} pediu autorização para assinar (escopo {_list(d.get('scopes'))})"
        + (" sem páginas (login_hint)" if d.get("headless") else "")
    ),
    "assinatura.authorization.denied": lambda d, n: (
        f"autorização de assinatura recusada: {d.get('reason') or d.get('motivo')}"
    ),
    "assinatura.consent.failed": lambda d, n: (
        f"código errado na tela de autorização (tentativa {d.get('tentativas')})"
    ),
    "assinatura.authorization.granted": lambda d, n: (
        f"{n.persona(d.get('cpf'), d.get('nivel'))} autorizou o app {n.app(d.get('client_id'))} a assinar"
        + (" (aprovação automática)" if d.get("via") == "auto_approve" else "")
    ),
    "assinatura.token.issued": lambda d, n: (
        f"token de assinatura emitido com {d.get('client_auth')} "
        f"({d.get('assinaturas_permitidas')} assinatura(s) permitida(s))"
    ),
    "assinatura.token.rejected": lambda d, n: (
        f"POST /oauth2.0/token recusado: {d.get('reason') or d.get('motivo')}"
    ),
    "assinatura.certificate.issued": lambda d, n: (
        f"certificado de {d.get('nome')} emitido pela AC do sandbox (série {d.get('serial')})"
    ),
    "assinatura.signature.created": lambda d, n: (
        f"documento assinado por {n.persona(d.get('cpf'))}: PKCS#7 de {d.get('bytes')} bytes"
        f" (restam {d.get('restantes')} assinatura(s) na sessão)"
    ),
    "assinatura.signature.refused": lambda d, n: (
        f"{d.get('endpoint')} recusado: {d.get('reason') or d.get('motivo')}"
    ),
    "assinatura.verification.completed": lambda d, n: (
        f"verificação de {d.get('tipo')}: {d.get('veredito')}"
        + (f" ({_list(d.get('problemas'))})" if d.get("problemas") else "")
    ),
    # Tramita GOV.BR
    "tramita.tramite.status_changed": _status_changed,
    "tramita.component.received": lambda d, n: (
        f"componente digital recebido inteiro ({d.get('tamanhoEmBytes')} bytes, hash conferido)"
    ),
    "tramita.component.part_received": lambda d, n: (
        f"parte [{d.get('inicio')}, {d.get('fim')}[ de um componente recebida"
    ),
    "tramita.component.downloaded": lambda d, n: (
        f"{d.get('sistema')} baixou um componente" + ("" if d.get("completo") else " (parte)")
    ),
    "tramita.receipt.verified": lambda d, n: "recibo de conclusão do destinatário verificado (SHA256withRSA)",
    "tramita.receipt.refused": lambda d, n: f"recibo de conclusão recusado: {d.get('motivo')}",
    "tramita.tramite.refused": lambda d, n: (
        f"o destinatário recusou o trâmite: {d.get('descricaoDoMotivo')} — {d.get('justificativa')}"
    ),
    "tramita.pendencia.created": lambda d, n: (
        f"pendência (situação {d.get('status')}) para o {d.get('papel')}"
        + (f" {d['sistema']}" if d.get("sistema") else "")
    ),
    "tramita.request.rejected": lambda d, n: (
        f"{d.get('operacao')} recusado: erro {d.get('codigoErro')}, {d.get('mensagem')}"
    ),
    # Registry and the console
    "registry.ente.created": lambda d, n: f"ente {d.get('nome')} ({d.get('ibge')}) cadastrado",
    "registry.application.registered": lambda d, n: (
        f"app {d.get('nome')} ({d.get('client_id')}, {d.get('kind')}) registrado"
    ),
    "registry.application.changed": lambda d, n: (
        f"app {d.get('client_id')} alterado ({_list(d.get('changed_fields'))})"
    ),
    "registry.credential.rotated": lambda d, n: (
        f"{d.get('credential')} trocado" + (f" do app {d['client_id']}" if d.get("client_id") else "")
    ),
    "registry.certificate.issued": lambda d, n: f"certificado do sistema {d.get('nome')} emitido",
    "registry.persona.created": lambda d, n: f"persona {d.get('nome')} ({d.get('nivel')}) criada",
    "registry.persona.changed": lambda d, n: (
        f"persona {n.persona(d.get('cpf'))} alterada ({_list(d.get('changed_fields'))})"
    ),
    "registry.lab.created": lambda d, n: f"turma {d.get('lab')} criada com {d.get('trainees')} aluno(s)",
    "console.session.started": lambda d, n: (
        "alguém entrou no console "
        + ("como administrador" if d.get("papel") == "admin" else "com a chave do ente")
    ),
}


def narrate(event: ConsoleEvent, names: Names | None = None) -> str | None:
    names = names or Names()
    short = event.short_type
    sentence = SENTENCES.get(short)
    if sentence is None:
        verb = short.rsplit(".", 2)[-2:] if short.count(".") >= 2 else None
        if verb == ["service", "started"]:
            return f"{event.data.get('service')} iniciou em {event.data.get('url')}"
        if verb == ["ping", "received"]:
            return f"ping recebido: {event.data.get('message')}"
        return None
    try:
        return sentence(event.data, names)
    except (KeyError, TypeError, AttributeError):  # a malformed payload is shown raw, never a 500
        return None
