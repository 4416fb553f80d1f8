"""/sandbox/registry/asyncapi.json|.yaml: the event catalog of every service, generated from the typed models."""

from __future__ import annotations

import yaml
from fastapi import APIRouter, Request, Response

from sandbox_kernel.events.asyncapi import build_asyncapi

from .deps import PREFIX

router = APIRouter(prefix=PREFIX, tags=["catálogo de eventos"])


def _doc(request: Request) -> dict:
    return build_asyncapi(namespace=request.app.state.runtime.settings.topic_namespace)


@router.get("/asyncapi.json", summary="Documento AsyncAPI 3.0 de todos os eventos do sandbox")
async def asyncapi_json(request: Request) -> dict:
    return _doc(request)


@router.get("/asyncapi.yaml", summary="O mesmo documento em YAML")
async def asyncapi_yaml(request: Request) -> Response:
    text = yaml.safe_dump(_doc(request), sort_keys=False, allow_unicode=True)
    return Response(text, media_type="application/yaml")
