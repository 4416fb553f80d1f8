"""The error body each platform really answers for an injected status, so clients parse what they will meet.

- Acesso GOV.BR: OAuth endpoints answer ``{"error", "error_description"}`` (plus the roteiro's
  ``erro_description``); the API gateway (userinfo, confiabilidades, empresas) its ``errors`` envelope.
- Assinatura GOV.BR (CAS, assinatura-api): the Spring Boot error body.
- Tramita GOV.BR: ``{"codigoErro", "mensagem"}`` with the real code's real text when known.
"""

from __future__ import annotations

import time
from http import HTTPStatus

OAUTH_ERRORS = {
    400: "invalid_request",
    401: "invalid_client",
    403: "access_denied",
    503: "temporarily_unavailable",
}
LOGIN_APIS = ("userinfo", "confiabilidades", "empresas", "x509")

# Tramita codes whose text is public (reference tramita-govbr.md §2.15), with neutral fillers.
TRAMITA_TEXTS = {
    "0001": "Os seguintes erros de validação de campos foram identificados: - falha injetada. "
    "Devido aos erros a operação não foi concluída.",
    "0024": "Recibo de conclusão do trâmite não aceito: a assinatura não confere com o certificado do sistema "
    "destinatário.",
    "0044": "Processo já possui um trâmite em andamento",
    "0047": "Inconsistência identificada no documento de ordem '1' do processo tramitado por este NRE: hash de "
    "ao menos um componente digital não confere.",
    "0055": "A estrutura organizacional não está vinculada ao repositório de estruturas.",
    "0999": "Serviço temporariamente indisponível: falha injetada pelo sandbox",
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(service: str, endpoint: str | None, status: int, path: str, codigo: str | None = None) -> dict:
    if service == "login":
        if endpoint in LOGIN_APIS:
            code = "SERVICE_UNAVAILABLE" if status >= 500 else f"HTTP_{status}"
            title = f"{_phrase(status)} (falha injetada pelo sandbox)."
            return {
                "errors": [{"status": status, "code": code, "title": title}],
                "error": code,
                "error_description": title,
                "erro_description": title,
            }
        error = OAUTH_ERRORS.get(status, "server_error" if status >= 500 else "invalid_request")
        text = "O serviço está temporariamente indisponível." if status >= 500 else "Requisição recusada."
        return {"error": error, "error_description": text, "erro_description": text}
    if service == "assinatura":
        return {
            "timestamp": int(time.time() * 1000),
            "status": status,
            "error": _phrase(status),
            "message": "No message available",
            "path": path,
        }
    code = codigo or ("0999" if status >= 500 else "0001")
    return {
        "codigoErro": code,
        "mensagem": TRAMITA_TEXTS.get(code, f"Erro {code} (falha injetada pelo sandbox)."),
    }
