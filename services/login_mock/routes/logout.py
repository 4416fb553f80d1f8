"""GET|POST /logout?post_logout_redirect_uri=<url> (§2.6): ends the gov.br session.

The session is the browser's gov.br cookie or, for clients that send it (OIDC RP-Initiated Logout),
``id_token_hint``: the logout event then joins that login's story. The URI must equal, exactly, one registered as "URL de Log Out" by a client the session logged into (or by
``client_id`` when sent). A query string added to a registered URI does not match, as on the real platform.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from sqlalchemy import select

from sandbox_kernel.events.models.login import LogoutCompleted
from sandbox_kernel.redirect_uris import is_loopback

from ..codes import current_session
from ..context import SESSION_COOKIE, TEMPLATES, LoginContext, ctx
from ..storage import SessionRow, TokenRow, now

router = APIRouter(tags=["Acesso GOV.BR: logout"])


@router.get("/logout", summary="Encerra a sessão gov.br e volta à post_logout_redirect_uri cadastrada")
@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    lc = ctx(request)
    params = dict(request.query_params)
    if request.method == "POST" and "form" in request.headers.get("content-type", ""):
        params |= {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    target = params.get("post_logout_redirect_uri")
    token = request.cookies.get(SESSION_COOKIE)
    session = await current_session(lc, token)
    hinted = await _hinted_token(lc, params.get("id_token_hint"))
    story_key = session.story_key if session else (f"{hinted.client_id}/{hinted.story}" if hinted else None)
    client_ids = [params["client_id"]] if params.get("client_id") else (session.clients if session else [])
    if not client_ids and hinted is not None:
        client_ids = [hinted.client_id]
    clients = [c for c in [await lc.registry.client(i) for i in client_ids] if c]
    allowed = target is not None and any(
        target in c.get("post_logout_redirect_uris", []) or (c.get("allow_loopback") and is_loopback(target))
        for c in clients
    )
    if session is not None:
        async with lc.runtime.transaction() as tx:
            row = await tx.session.get(SessionRow, session.id_hash)
            row.ended_at = now()  # type: ignore[union-attr]  # the session was found by this hash above
    reason = (
        None if allowed or target is None else "post_logout_redirect_uri não cadastrada (comparação exata)"
    )
    story_client, _, story = (story_key or "").partition("/")
    key_client = next((c for c in clients if c["client_id"] == story_client), None)
    if key_client is None and story_client:
        key_client = await lc.registry.client(story_client)
    await lc.emit(
        LogoutCompleted(
            cpf=session.cpf if session else (hinted.cpf if hinted else None),
            post_logout_redirect_uri=target,
            redirected=allowed,
            reason=reason,
        ),
        key_client if story else (clients[0] if clients else None),
        story or "logout",
    )
    if allowed:
        response: Response = RedirectResponse(target, status_code=302)  # type: ignore[arg-type]  # allowed implies a target
    else:
        response = TEMPLATES.TemplateResponse(
            request,
            "saiu.html",
            {"target": target, "reason": reason},
            status_code=400 if reason else 200,
        )
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def _hinted_token(lc: LoginContext, id_token_hint: str | None):
    """The token row of the login an ``id_token_hint`` (OIDC RP-Initiated Logout) comes from, if ours.

    The signature must be ours; expiry does not matter (the id_token lives 60 s, logout comes later)."""
    if not id_token_hint:
        return None
    try:
        jti = jwt.decode(id_token_hint.strip(), lc.key.verification_keys(), algorithms=["RS256"]).claims.get(
            "jti"
        )
    except (JoseError, ValueError):
        return None
    if not jti:
        return None
    async with lc.runtime.db.session() as session:
        return (await session.scalars(select(TokenRow).where(TokenRow.id_token_jti == jti))).first()
