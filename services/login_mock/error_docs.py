"""The error answers of login_mock, declared in its OpenAPI document (sandbox_kernel.openapi_errors)."""

from sandbox_kernel.http_errors import ErrorFormat
from sandbox_kernel.openapi_errors import (
    ErrorDeclarations,
    ErrorRule,
    all_of,
    content_type,
    paths,
    under,
    with_path_params,
)

API = under("/userinfo", "/api/", "/confiabilidades/v3", "/empresas/")
PAGES = paths("/authorize", "/login", "/consent")

ERRORS = ErrorDeclarations(
    ErrorFormat.ACESSO,
    [
        ErrorRule(401, "Access token ausente, inválido ou expirado (ACCESSTOKEN_*).", API),
        ErrorRule(403, "O token não dá acesso a este recurso (escopo ou titular).", API),
        ErrorRule(404, "Recurso não encontrado.", all_of(API, with_path_params)),
        ErrorRule(400, "Pedido recusado (invalid_request, invalid_grant, ...).", paths("/token")),
        ErrorRule(401, "Credenciais do cliente inválidas (invalid_client).", paths("/token")),
        ErrorRule(401, "Exige o token de administrador (rotação global).", paths("/sandbox/jwk/rotate")),
        ErrorRule(400, "Página de erro: cliente ou redirect_uri não confiáveis.", PAGES, "text/html"),
        content_type(200, "text/html", paths("/logout"), "Página de saída."),
    ],
)
