"""Declare in each OpenAPI document the error answers a service really gives, in its platform's own body.

FastAPI documents only the success status and a 422 that some services never send (Tramita answers
validation errors with 500 ``codigoErro`` 0001, as the real platform). A service lists its error rules
once (``ErrorRule``: status, which operations, media type); the kernel adds them to every matching
operation, so clients and contract testers (schemathesis, in tests/test_openapi_contract.py) see every
status code and content type the service can answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI

from .http_errors import ErrorFormat

Predicate = Callable[["Operation"], bool]

_STRING = {"type": "string"}
SCHEMAS: dict[ErrorFormat, tuple[str, dict]] = {
    ErrorFormat.REGISTRY: (
        "ErroSandbox",
        {
            "type": "object",
            "required": ["erro", "mensagem"],
            "properties": {"erro": _STRING, "mensagem": _STRING, "campos": {"type": "array"}},
        },
    ),
    ErrorFormat.ACESSO: (
        "ErroAcessoGovBr",
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": _STRING,
                "error_description": _STRING,
                "erro_description": _STRING,
                "errors": {"type": "array"},
            },
        },
    ),
    ErrorFormat.ITI: (
        "ErroSpringBoot",
        {
            "type": "object",
            "required": ["status", "error"],
            "properties": {
                "timestamp": {"type": "integer"},
                "status": {"type": "integer"},
                "error": _STRING,
                "message": _STRING,
                "path": _STRING,
            },
        },
    ),
    ErrorFormat.TRAMITA: (
        "ErroTramita",
        {
            "type": "object",
            "required": ["codigoErro", "mensagem"],
            "properties": {"codigoErro": _STRING, "mensagem": _STRING},
        },
    ),
}


# ------------------------------------------------------------------------------------------ predicates


@dataclass(frozen=True)
class Operation:
    """One operation of the generated document: what the rules look at."""

    path: str
    method: str  # upper case
    spec: dict

    @property
    def has_body(self) -> bool:
        return "requestBody" in self.spec or self.method in ("POST", "PUT", "PATCH")


def always(_: Operation) -> bool:
    return True


def with_path_params(op: Operation) -> bool:
    return "{" in op.path


def with_body(op: Operation) -> bool:
    return op.has_body


def methods(*names: str) -> Predicate:
    wanted = {n.upper() for n in names}
    return lambda op: op.method in wanted


def under(*prefixes: str) -> Predicate:
    return lambda op: op.path.startswith(prefixes)


def paths(*exact: str) -> Predicate:
    return lambda op: op.path in exact


def all_of(*predicates: Predicate) -> Predicate:
    return lambda op: all(p(op) for p in predicates)


def not_(predicate: Predicate) -> Predicate:
    return lambda op: not predicate(op)


@dataclass(frozen=True)
class ErrorRule:
    status: int
    description: str
    applies: Predicate = always
    media_type: str | None = "application/json"  # None: no body
    fmt: ErrorFormat | None = None  # the body format; None: the service's own
    schema: dict | None = None  # a body that is not an error format (e.g. the degraded health report)
    replace: bool = False  # the media type replaces what FastAPI inferred (a PEM or YAML body is not JSON)


def content_type(status: int, media_type: str, applies: Predicate, description: str = "") -> ErrorRule:
    """The real media type of a non-JSON answer (FastAPI documents every ``Response`` as JSON)."""
    return ErrorRule(status, description, applies, media_type, schema={"type": "string"}, replace=True)


@dataclass
class ErrorDeclarations:
    fmt: ErrorFormat
    rules: list[ErrorRule] = field(default_factory=list)
    drop: tuple[int, ...] = ()  # statuses FastAPI adds that this service never answers (Tramita: 422)


def declare_errors(app: FastAPI, declarations: ErrorDeclarations) -> None:
    """Wrap ``app.openapi`` so the generated document carries the declared error responses."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        _apply(doc, declarations)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _apply(doc: dict, declarations: ErrorDeclarations) -> None:
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for path, operations in doc.get("paths", {}).items():
        for method, spec in operations.items():
            if method not in ("get", "post", "put", "patch", "delete", "head", "options"):
                continue
            op = Operation(path, method.upper(), spec)
            responses = spec.setdefault("responses", {})
            for status in declarations.drop:
                responses.pop(str(status), None)
            for rule in declarations.rules:
                if rule.applies(op):
                    _add(responses, rule, rule.fmt or declarations.fmt, components)


def _add(responses: dict, rule: ErrorRule, fmt: ErrorFormat, components: dict) -> None:
    entry = responses.setdefault(str(rule.status), {"description": rule.description})
    if rule.replace:
        entry["content"] = {}
        if rule.description:
            entry["description"] = rule.description
    if rule.media_type is None:  # an empty body
        return
    content = entry.setdefault("content", {})
    if rule.media_type in content:
        return
    if rule.schema is not None:
        content[rule.media_type] = {"schema": rule.schema}
    elif rule.media_type == "application/json":
        name, schema = SCHEMAS[fmt]
        components.setdefault(name, schema)
        content[rule.media_type] = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    else:
        content[rule.media_type] = {"schema": {"type": "string"}}
