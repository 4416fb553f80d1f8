"""Bearer-protected APIs: userinfo (§2.4), picture (§2.5), x509 info (§2.8), confiabilidades v3 (§4.2)
and empresas v2 (§5.1). Host api.staging.acesso.gov.br maps to this same service: the paths do not collide.

A token must be ours (signature, issuer, expiry) and not revoked; each API needs its scope
(``ACCESSTOKEN_SCOPE_MUSTCONTAINSEXPECTEDSCOPE``); and a token reads only its own person's data.
"""

from __future__ import annotations

import random
import struct
import zlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from sandbox_kernel.clock import clock
from sandbox_kernel.documents import generate_cpf
from sandbox_kernel.events.models.login import ApiCheck, ApiRejected, ApiServed, UserinfoServed
from sandbox_kernel.oauth import store
from sandbox_kernel.secrets import bearer_credential

from ..context import LoginContext, ctx
from ..domain import claims as c
from ..domain.errors import ApiError, scope_missing, token_invalid
from ..storage import TokenRow

router = APIRouter(tags=["Acesso GOV.BR: APIs"])


class Caller:
    def __init__(self, token_claims: dict, persona: dict, client: dict | None, story: str) -> None:
        self.claims = token_claims
        self.persona = persona
        self.client = client
        self.story = story  # the login session the token was issued in

    @property
    def scopes(self) -> list[str]:
        return list(self.claims.get("scope") or [])


async def bearer(lc: LoginContext, request: Request, scope: str | None) -> Caller:
    value = bearer_credential(request.headers.get("authorization"))
    if value is None:
        raise token_invalid(ApiCheck.MISSING_BEARER)
    try:
        token = jwt.decode(value, lc.key.verification_keys(), algorithms=["RS256"])
    except (JoseError, ValueError):
        raise token_invalid(ApiCheck.SIGNATURE_OR_EXPIRY) from None
    # From here the token is authentic (signed by us): a refusal names its client and story.
    token_claims = token.claims
    aud = str(token_claims.get("aud", ""))
    owner = await lc.registry.client(aud)
    ente = owner.get("ente") if owner else None  # expiry on the ente's virtual clock
    row = None
    if "jti" in token_claims:
        async with lc.runtime.db.session() as session:
            row = await session.get(TokenRow, str(token_claims["jti"]))
    story = row.story if row is not None else "api"
    try:
        JWTClaimsRegistry(
            now=int(clock.timestamp(ente)),
            iss={"essential": True, "value": lc.issuer},
            exp={"essential": True},
        ).validate(token_claims)
    except (JoseError, ValueError):
        raise token_invalid(ApiCheck.SIGNATURE_OR_EXPIRY, story, aud) from None
    if "nonce" in token_claims or "jti" not in token_claims:  # an id_token is not an access token
        raise token_invalid(ApiCheck.NOT_AN_ACCESS_TOKEN, story, aud)
    if row is None or not store.token_usable(row, clock.now(ente)):
        raise token_invalid(ApiCheck.REVOKED, story, aud)
    if scope and scope not in token_claims.get("scope", []):
        raise scope_missing(scope, token_claims.get("scope", []), row.story, row.client_id)
    persona = await lc.registry.persona(token_claims["sub"])
    if persona is None:
        raise token_invalid(ApiCheck.PERSONA_GONE, row.story, row.client_id)
    return Caller(token_claims, persona, owner, row.story)


async def guarded(
    request: Request, api: str, scope: str | None, cpf: str | None = None
) -> Caller | JSONResponse:
    """Authorise the call or answer with the gateway's error (and say why in the event stream)."""
    lc = ctx(request)
    try:
        caller = await bearer(lc, request, scope)
        if cpf is not None and cpf != caller.persona["cpf"]:
            raise ApiError(
                "ACCESSTOKEN_SUB_MUSTMATCHREQUESTCPF",
                "O CPF da URL não é o titular do access token.",
                403,
                ApiCheck.CPF_MISMATCH,
                "o CPF do titular do token (sub) no caminho",
                caller.story,
                caller.claims["aud"],
            )
        return caller
    except ApiError as exc:
        client = await lc.registry.client(exc.client_id) if exc.client_id else None
        await lc.emit(
            ApiRejected(
                api=api,
                error=exc.code,
                check=exc.check,
                reason=exc.title,
                expected=exc.expected,
                reference="acesso-govbr.md §6",
                client_id=exc.client_id,
                path=request.url.path,
            ),
            client,
            exc.story or "api",
        )
        return JSONResponse(exc.body(), status_code=exc.status)


async def served(request: Request, caller: Caller, api: str) -> None:
    await ctx(request).emit(
        ApiServed(api=api, client_id=caller.claims["aud"], cpf=caller.persona["cpf"], path=request.url.path),
        caller.client,
        caller.story,
    )


@router.get("/userinfo", summary="Dados do usuário (com ou sem a barra final)")
@router.get("/userinfo/", include_in_schema=False)
async def userinfo(request: Request) -> Response:
    caller = await guarded(request, "userinfo", None)
    if isinstance(caller, Response):
        return caller
    body = c.userinfo(caller.persona, caller.scopes, ctx(request).claim_urls())
    await ctx(request).emit(
        UserinfoServed(client_id=caller.claims["aud"], cpf=caller.persona["cpf"], claims=sorted(body)),
        caller.client,
        caller.story,
    )
    return JSONResponse(body)


@router.get("/userinfo/picture", summary="Foto do usuário (bytes da imagem)")
async def picture(request: Request) -> Response:
    caller = await guarded(request, "picture", "profile")
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "picture")
    return Response(avatar_png(caller.persona.get("avatar_cor") or "#1351b4"), media_type="image/png")


@router.get("/api/x509/info", summary="Tipo do certificado digital usado no login")
async def x509_info(request: Request) -> Response:
    caller = await guarded(request, "x509", "govbr_recupera_certificadox509")
    if isinstance(caller, Response):
        return caller
    amr = [a for a in caller.claims.get("amr", []) if a.startswith("x509")]
    if not amr:
        return JSONResponse(
            {"error": "not_found", "erro_description": "O login não usou certificado digital."}, 404
        )
    await served(request, caller, "x509")
    cloud = [a for a in amr if a not in ("x509", "x509_token")]
    company = c.company_certificate(caller.persona)
    body = {
        "amr": amr,
        "certificate": company["razao_social"] if company else caller.persona["nome"],
        "type": "cloud" if cloud else "device",
    }
    if cloud:
        body["provider"] = cloud[0].removeprefix("x509_")
    return JSONResponse(body)


@router.get("/confiabilidades/v3/contas/{cpf}/niveis", summary="Nível da conta (1 bronze, 2 prata, 3 ouro)")
async def niveis(cpf: str, request: Request) -> Response:
    caller = await guarded(request, "confiabilidades", "govbr_confiabilidades", cpf)
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "confiabilidades")
    persona = caller.persona
    dates = [s["updated_at"] for s in persona["selos"]] or [persona.get("data_nascimento")]
    return JSONResponse(
        [{"id": c.LEVEL_IDS[persona["nivel"]], "dataAtualizacao": c.govbr_timestamp(max(dates))}]
    )


@router.get("/confiabilidades/v3/contas/{cpf}/confiabilidades", summary="Selos de confiabilidade da conta")
async def selos(cpf: str, request: Request) -> Response:
    caller = await guarded(request, "confiabilidades", "govbr_confiabilidades", cpf)
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "confiabilidades")
    return JSONResponse(
        [
            {"id": s["id"], "dataAtualizacao": c.govbr_timestamp(s["updated_at"])}
            for s in caller.persona["selos"]
        ]
    )


@router.get("/api/info/usuario/selo", summary="Selos de confiabilidade (legado 2019–2020, §4.4)")
async def selo_legado(request: Request) -> Response:
    """Older clients (and the 2019 roteiro) call this with only the bearer token: no scope, no CPF."""
    caller = await guarded(request, "selo", None)
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "selo")
    return JSONResponse(c.legacy_seals(caller.persona))


# Legacy categories (2020-12 to 2021-12, still called by the official Java example). The mapping from
# levels to category ids is the sandbox's reading of the old docs: 1xx básica, 2xx verificada/comprovada.
LEGACY_CATEGORIES = {"bronze": ["101"], "prata": ["101", "201"], "ouro": ["101", "201", "203"]}


@router.get("/confiabilidades/v3/contas/{cpf}/categorias", summary="Categorias (legado)")
async def categorias(cpf: str, request: Request) -> Response:
    caller = await guarded(request, "confiabilidades", "govbr_confiabilidades", cpf)
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "confiabilidades")
    stamp = c.govbr_timestamp(max(s["updated_at"] for s in caller.persona["selos"]))
    return JSONResponse(
        [{"id": i, "dataAtualizacao": stamp} for i in LEGACY_CATEGORIES[caller.persona["nivel"]]]
    )


@router.get("/empresas/v2/empresas", summary="Empresas de que o CPF participa")
async def empresas(request: Request) -> Response:
    cpf = request.query_params.get("filtrar-por-participante", "")
    caller = await guarded(request, "empresas", "govbr_empresa", cpf)
    if isinstance(caller, Response):
        return caller
    await served(request, caller, "empresas")
    return JSONResponse(
        [
            {"cnpj": e["cnpj"], "razaoSocial": e["razao_social"], "dataCriacao": _created(caller.persona)}
            for e in caller.persona.get("empresas", [])
        ]
    )


@router.get("/empresas/v2/empresas/{cnpj}/participantes/{cpf}", summary="Papel do CPF na empresa")
async def participante(cnpj: str, cpf: str, request: Request) -> Response:
    caller = await guarded(request, "empresas", "govbr_empresa", cpf)
    if isinstance(caller, Response):
        return caller
    empresa = next((e for e in caller.persona.get("empresas", []) if e["cnpj"] == cnpj), None)
    if empresa is None:
        return JSONResponse(
            {
                "errors": [
                    {"status": 404, "code": "EMPRESA_NAOENCONTRADA", "title": "Empresa não encontrada."}
                ]
            },
            404,
        )
    await served(request, caller, "empresas")
    created = _created(caller.persona)
    body: dict = {
        "cpf": cpf,
        "atuacao": empresa["atuacao"],
        "cadastrador": "true" if empresa["cadastrador"] else "false",
    }
    if not empresa["cadastrador"]:
        body["cpfCadastrador"] = _cadastrador_of(caller.persona, cnpj)
    body |= {"dataCriacao": created, "dataExpiracao": "2099-12-31T00:00:00.000-0300"}
    return JSONResponse(body)


def _created(persona: dict) -> str:
    dates = [s["updated_at"] for s in persona["selos"]]
    return c.govbr_timestamp(min(dates)) if dates else "2024-01-01T00:00:00.000-0300"


def _cadastrador_of(persona: dict, cnpj: str) -> str:
    # The sandbox has no second person behind each company: a stable synthetic CPF stands in.
    return generate_cpf(random.Random(cnpj))


def avatar_png(colour: str, size: int = 96) -> bytes:
    """A plain square in the persona's colour: real image bytes, as the official examples expect."""
    rgb = bytes.fromhex(colour.lstrip("#"))
    raw = b"".join(b"\x00" + rgb * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
