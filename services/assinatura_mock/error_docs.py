"""The error answers of assinatura_mock, declared in its OpenAPI document (sandbox_kernel.openapi_errors).

The ITI answers in Spring Boot's error JSON, except where the manual shows plain text (403 on the
signing API, ``error=invalid_request`` on the token endpoint; reference assinatura §3)."""

from sandbox_kernel.http_errors import ErrorFormat
from sandbox_kernel.openapi_errors import (
    ErrorDeclarations,
    ErrorRule,
    all_of,
    content_type,
    methods,
    paths,
    under,
)

API = under("/externo/v2")
PAGES = paths("/oauth2.0/authorize", "/oauth2.0/login", "/oauth2.0/consent")

ERRORS = ErrorDeclarations(
    ErrorFormat.ITI,
    [
        ErrorRule(401, "Token ausente ou inválido.", API),
        ErrorRule(403, "Token já usado ou sem o escopo (texto simples, como no real).", API, "text/plain"),
        ErrorRule(400, "Hash inválido.", API),
        ErrorRule(
            400, "Code inválido ou já usado: error=invalid_request.", paths("/oauth2.0/token"), "text/plain"
        ),
        ErrorRule(401, "Credenciais do cliente inválidas.", paths("/oauth2.0/token")),
        ErrorRule(400, "Página de erro.", PAGES, "text/html"),
        ErrorRule(401, "Página de erro: cliente desconhecido.", PAGES, "text/html"),
        ErrorRule(404, "LCR desconhecida.", paths("/sandbox/lcr/{stem}.crl"), "text/plain"),
        ErrorRule(400, "Envio incompleto.", paths("/sandbox/verificar"), fmt=ErrorFormat.REGISTRY),
        content_type(
            200, "application/x-pem-file", paths("/sandbox/cadeia.pem", "/sandbox/raiz.pem"), "PEM."
        ),
        content_type(200, "application/x-pkcs7-certificates", paths("/sandbox/cadeia.p7b"), "PKCS#7."),
        content_type(200, "application/pkix-crl", paths("/sandbox/lcr/{stem}.crl"), "LCR (DER)."),
        content_type(
            200, "text/html", all_of(paths("/sandbox/dpc", "/sandbox/verificar"), methods("GET")), "Página."
        ),
        content_type(
            200, "application/octet-stream", paths("/externo/v2/assinarPKCS7"), "Assinatura PKCS#7 (DER)."
        ),
        ErrorRule(503, "Registry indisponível.", API, "text/plain"),
        content_type(200, "text/html", PAGES, "Página."),
    ],
)
