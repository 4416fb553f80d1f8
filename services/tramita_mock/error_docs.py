"""The error answers of tramita_mock, declared in its OpenAPI document (sandbox_kernel.openapi_errors).

Business and validation errors are 500 ``{"codigoErro", "mensagem"}`` as on the real platform (reference
tramita §2.15): FastAPI's 422 is never sent, so it is dropped."""

from sandbox_kernel.http_errors import ErrorFormat
from sandbox_kernel.openapi_errors import (
    ErrorDeclarations,
    ErrorRule,
    all_of,
    content_type,
    not_,
    paths,
    under,
    with_path_params,
)

SANDBOX = under("/sandbox/tramita")
API = not_(SANDBOX)

ERRORS = ErrorDeclarations(
    ErrorFormat.TRAMITA,
    [
        ErrorRule(500, "Erro de negócio ou de validação (codigoErro), como no real.", API),
        ErrorRule(403, "Sem certificado de cliente ou sistema sem permissão (0901-0903).", API),
        ErrorRule(404, "Trâmite não encontrado (0904).", all_of(API, with_path_params)),
        ErrorRule(503, "Registry indisponível (0999).", API),
        ErrorRule(404, "Unidade não é um robô.", all_of(SANDBOX, with_path_params), fmt=ErrorFormat.REGISTRY),
        ErrorRule(
            401,
            "Sem certificado de um sistema do ente do robô, nem chave de API do ente ou token de administrador.",
            all_of(SANDBOX, with_path_params),
            fmt=ErrorFormat.REGISTRY,
        ),
        ErrorRule(500, "Erro de validação (codigoErro).", SANDBOX),
        content_type(
            200,
            "text/plain",
            paths("/", "/interoperabilidade/rest/v3", "/interoperabilidade/rest/v4"),
            "Texto simples (verificação de conexão).",
        ),
        content_type(
            200,
            "text/plain",
            under("/interoperabilidade/rest/v3/healthcheck", "/interoperabilidade/rest/v4/healthcheck"),
            "OK.",
        ),
    ],
    drop=(422,),
)
