"""GET|POST /logout?post_logout_redirect_uri=<url> (§2.6): ends the gov.br session.

The URI must equal, exactly, one registered as "URL de Log Out" by a client the session logged into (or by
``client_id`` when sent). A query string added to a registered URI does not match, as on the real platform.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sandbox_kernel.events.models.login import LogoutCompleted
from sandbox_kernel.redirect_uris import is_loopback

from ..codes import current_session
from ..context import SESSION_COOKIE, TEMPLATES, ctx
from ..storage import SessionRow, now

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
    client_ids = [params["client_id"]] if params.get("client_id") else (session.clients if session else [])
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
    await lc.emit(
        LogoutCompleted(
            cpf=session.cpf if session else None,
            post_logout_redirect_uri=target,
            redirected=allowed,
            reason=reason,
        ),
        clients[0] if clients else None,
        "logout",
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
