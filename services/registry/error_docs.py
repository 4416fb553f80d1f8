"""The error answers of the registry, declared in its OpenAPI document (sandbox_kernel.openapi_errors)."""

from sandbox_kernel.http_errors import ErrorFormat
from sandbox_kernel.openapi_errors import (
    ErrorDeclarations,
    ErrorRule,
    all_of,
    content_type,
    methods,
    not_,
    paths,
    under,
)

API = under("/sandbox/registry")
FIRE = paths("/sandbox/registry/faults/{rule_id}/fire")

ERRORS = ErrorDeclarations(
    ErrorFormat.REGISTRY,
    [
        ErrorRule(401, "Sem token (de administrador, de turma ou de API do ente) ou token inválido.", API),
        ErrorRule(403, "O token não dá acesso a este ente ou recurso.", API),
        ErrorRule(
            404,
            "Recurso não encontrado (ente, aplicação, sistema, persona, estrutura, turma), no caminho ou no corpo.",
            API,
        ),
        ErrorRule(
            409,
            "Conflito com o que já existe (CPF, nome, estado).",
            all_of(API, methods("POST", "PUT", "PATCH", "DELETE"), not_(FIRE)),
        ),
        ErrorRule(409, "A regra não tem mais disparos (corpo vazio).", FIRE, media_type=None),
        content_type(
            200,
            "application/yaml",
            paths("/sandbox/registry/asyncapi.yaml"),
            "Documento AsyncAPI 3.0 (YAML).",
        ),
        content_type(
            200,
            "application/x-pem-file",
            paths("/sandbox/registry/ca.pem"),
            "Cadeia de ACs do sandbox (PEM).",
        ),
    ],
)
