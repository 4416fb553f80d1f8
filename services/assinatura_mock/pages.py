"""The HTML pages of the CAS side, in Portuguese. Plain string templates: every value goes through ``esc``."""

from __future__ import annotations

from html import escape

from .domain.oauth import UPGRADE_URL

STYLE = """
body{font-family:Rawline,Raleway,Arial,sans-serif;background:#f8f8f8;color:#333;margin:0}
header{background:#1351b4;color:#fff;padding:12px 24px;font-weight:600}
header small{font-weight:400;opacity:.85;margin-left:8px}
main{max-width:640px;margin:32px auto;background:#fff;padding:24px 32px;border-radius:4px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;color:#1351b4}
.erro{background:#fde0db;border-left:4px solid #e52207;padding:8px 12px}
.aviso{background:#fff5c2;border-left:4px solid #ffcd07;padding:8px 12px}
.sandbox{font-size:.85rem;color:#555;border-top:1px solid #ddd;margin-top:24px;padding-top:8px}
button{background:#1351b4;color:#fff;border:0;border-radius:20px;padding:8px 24px;font-size:1rem;cursor:pointer}
button.secundario{background:#fff;color:#1351b4;border:1px solid #1351b4}
input[type=text]{font-size:1.2rem;padding:6px;width:8em;letter-spacing:.2em}
ul.personas{list-style:none;padding:0} ul.personas li{margin:6px 0}
ul.personas button{width:100%;text-align:left;border-radius:4px}
table{border-collapse:collapse} td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}
"""


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{STYLE}</style></head><body><header>Assinatura GOV.BR <small>sandbox (não é o ITI)</small>"
        f"</header><main>{body}</main></body></html>"
    )


def unauthorized(detail: str) -> str:
    return page(
        "Acesso não autorizado",
        "<h1>Unauthorized/Acesso não Autorizado</h1>"
        '<p class="erro">Acesso não autorizado.</p>'
        f'<p class="sandbox">Sandbox: {esc(detail)}</p>',
    )


def bad_request(detail: str) -> str:
    return page(
        "Requisição inválida",
        f'<h1>Requisição inválida</h1><p class="erro">{esc(detail)}</p>',
    )


def expired() -> str:
    return page(
        "Sessão expirada",
        '<h1>Sessão expirada</h1><p class="erro">Este pedido de autorização não existe mais ou expirou. '
        "Volte ao sistema e comece de novo.</p>",
    )


def persona_picker(authorization_id: str, client_name: str, personas: list[dict], hint: str | None) -> str:
    items = []
    for p in personas:
        marks = [p.get("nivel", "")]
        if p.get("situacao_cpf", "regular") != "regular":
            marks.append(f"CPF {p['situacao_cpf']}")
        selected = " autofocus" if hint and p["cpf"] == hint else ""
        items.append(
            f'<li><button type="submit" name="cpf" value="{esc(p["cpf"])}"{selected}>'
            f"<strong>{esc(p['nome'])}</strong> — CPF {esc(p['cpf'])} ({esc(', '.join(marks))})"
            f"{'<br><small>' + esc(p['descricao']) + '</small>' if p.get('descricao') else ''}</button></li>"
        )
    return page(
        "Entrar com gov.br",
        "<h1>Entrar com gov.br</h1>"
        f"<p><strong>{esc(client_name)}</strong> quer usar a sua assinatura eletrônica. Escolha a conta:</p>"
        f'<form method="post" action="/oauth2.0/login"><input type="hidden" name="autorizacao" '
        f'value="{esc(authorization_id)}"><ul class="personas">{"".join(items)}</ul></form>'
        '<p class="sandbox">Sandbox: as contas são personas sintéticas do registry. A autenticação pelo '
        "login_mock (como o CAS real delega ao gov.br) substituirá esta escolha.</p>",
    )


def consent(
    authorization_id: str,
    client_name: str,
    persona: dict,
    *,
    error: str | None,
    certificate_choice: str,
    hint_code: str,
) -> str:
    choice = ""
    if certificate_choice == "escolha":
        choice = (
            "<fieldset><legend>Qual certificado usar?</legend>"
            '<label><input type="radio" name="certificado" value="govbr" checked> Certificado GOV.BR '
            '(assinatura avançada)</label><br><label><input type="radio" name="certificado" '
            'value="icp_brasil"> Certificado ICP-Brasil em nuvem (assinatura qualificada)</label>'
            '<p class="sandbox">Sandbox: o PSC ICP-Brasil ainda não é emulado; o certificado emitido é o GOV.BR.</p>'
            "</fieldset>"
        )
    elif certificate_choice == "icp_brasil":
        choice = (
            '<p class="aviso">Escolha do prestador (PSC) ICP-Brasil: no sandbox há só o PSC SANDBOX, e o '
            "certificado emitido ainda é o GOV.BR.</p>"
        )
    err = f'<p class="erro" role="alert">{esc(error)}</p>' if error else ""
    return page(
        "Autorizar assinatura",
        "<h1>Autorização de uso do certificado</h1>"
        f"<p>Olá, <strong>{esc(persona['nome'])}</strong>.</p>"
        f"<p>O serviço <strong>{esc(client_name)}</strong> solicita autorizar o uso do certificado de "
        "assinatura eletrônica da sua conta gov.br.</p>"
        "<p>Enviamos um código de autorização por SMS / aplicativo gov.br. Digite-o abaixo.</p>"
        f'{err}<form method="post" action="/oauth2.0/consent">'
        f'<input type="hidden" name="autorizacao" value="{esc(authorization_id)}">{choice}'
        '<p><label for="codigo">Código de autorização</label><br>'
        '<input type="text" id="codigo" name="codigo" inputmode="numeric" autocomplete="one-time-code" '
        'autofocus></p><p><button type="submit" name="acao" value="autorizar">Autorizar</button> '
        '<button class="secundario" type="submit" name="acao" value="cancelar">Cancelar</button></p>'
        f'</form><p class="sandbox">Sandbox: como no staging do ITI, o código é <strong>{esc(hint_code)}</strong>.</p>',
    )


def bronze(message: str) -> str:
    return page(
        "Conta sem o nível necessário",
        "<h1>Não é possível assinar com esta conta</h1>"
        f'<p class="erro">{esc(message)}</p>'
        "<p>É necessário possuir conta gov.br nível prata ou ouro para usar a assinatura eletrônica. "
        f'<a href="{esc(UPGRADE_URL)}">Aumente o nível da sua conta</a>.</p>',
    )


def verify_form() -> str:
    return page(
        "Verificar assinatura",
        "<h1>Verificar assinatura (sandbox)</h1>"
        "<p>Envie um PDF assinado, ou o <code>.p7s</code> devolvido por <code>assinarPKCS7</code> junto com o "
        "arquivo original. O relatório confere a assinatura, o messageDigest, a cadeia até a AC Raiz do sandbox e "
        "a data, e aponta os erros comuns de integração.</p>"
        '<form method="post" action="/sandbox/verificar" enctype="multipart/form-data">'
        '<input type="hidden" name="formato" value="html">'
        '<p><label>PDF assinado ou .p7s<br><input type="file" name="assinatura" required></label></p>'
        '<p><label>Arquivo original (só para .p7s)<br><input type="file" name="arquivo"></label></p>'
        '<p><button type="submit">Verificar</button></p></form>'
        '<p class="sandbox">Assinaturas do staging do ITI validam em validar.staging.iti.br; estas, só aqui.</p>',
    )


_RESULT = {"ok": "✔", "falha": "✘", "aviso": "⚠"}
_VERDICT = {
    "valida": "Assinatura válida",
    "invalida": "Assinatura inválida",
    "indeterminada": "Indeterminada",
}


def verify_report(report: dict) -> str:
    rows = "".join(
        f"<tr><td>{_RESULT.get(c['resultado'], '')} {esc(c['resultado'])}</td><td><code>{esc(c['id'])}</code></td>"
        f"<td>{esc(c['mensagem'])}</td></tr>"
        for c in report["verificacoes"]
    )
    signer = report.get("assinante") or {}
    who = (
        f"<p>Assinante: <strong>{esc(signer.get('nome'))}</strong> (CPF {esc(signer.get('cpf'))}), certificado "
        f"{esc(signer.get('certificado_serial'))}</p>"
        if signer
        else ""
    )
    css = "erro" if report["veredito"] == "invalida" else "aviso" if report["veredito"] != "valida" else ""
    return page(
        "Relatório de verificação",
        f'<h1>Relatório de verificação</h1><p class="{css}"><strong>{esc(_VERDICT[report["veredito"]])}</strong>'
        f"</p>{who}<table><tr><th>resultado</th><th>verificação</th><th>detalhe</th></tr>{rows}</table>"
        '<p><a href="/sandbox/verificar">Verificar outro arquivo</a></p>',
    )
