"""Redirect URI rules shared by the registry (validation) and the OAuth emulators (matching).

Registered URIs match exactly, as the real platforms require. A client may opt into a loopback rule
in the spirit of RFC 8252: then any ``http://127.0.0.1:*``, ``http://localhost:*`` or ``http://[::1]:*``
URI is accepted too, whatever the port and path, so a developer's local app works without registering.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Custom schemes stay allowed: mobile apps register e.g. spgovbr://localhost/... with the ITI.
FORBIDDEN_SCHEMES = ("javascript", "data", "file", "vbscript", "about")


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be registered (Portuguese), or None if it can."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "URI malformada"
    if not parts.scheme or "://" not in uri:
        return "a URI deve ser absoluta (ex.: https://servicos.prefeitura.gov.br/callback)"
    if parts.scheme.lower() in FORBIDDEN_SCHEMES:
        return f"o esquema {parts.scheme}: não é permitido"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return "a URI deve ter um host"
    if parts.fragment:
        return "a URI não pode ter fragmento (#)"
    if any(c.isspace() for c in uri):
        return "a URI não pode conter espaços"
    return None


def is_loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in ("127.0.0.1", "localhost", "::1")


def redirect_uri_allowed(uri: str, registered: list[str], allow_loopback: bool = False) -> bool:
    return uri in registered or (allow_loopback and is_loopback(uri))
