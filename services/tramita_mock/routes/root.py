"""The host root and the version roots answer 200, as the real service does (reference §1.4).

SUAP's ``conectagov_pen`` checks the connection with ``GET https://host/`` (the base URL without the version
path) and sends nothing unless it answers 200; other clients probe ``…/interoperabilidade/rest/v3`` with or
without the trailing slash.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from .deps import API_PREFIXES

router = APIRouter(tags=["Tramita GOV.BR: referência"])

TEXT = "Tramita GOV.BR (sandbox): API REST em /interoperabilidade/rest/v3/ e /interoperabilidade/rest/v4/\n"


async def _root() -> PlainTextResponse:
    return PlainTextResponse(TEXT)


router.add_api_route(
    "/", _root, methods=["GET"], summary="Raiz do host: 200 (verificação de conexão do SUAP)"
)
for prefix in API_PREFIXES:
    for path in (prefix, prefix + "/"):
        router.add_api_route(path, _root, methods=["GET"], include_in_schema=path == prefix)
