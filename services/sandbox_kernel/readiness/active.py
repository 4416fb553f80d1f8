"""The active login conformance run: the sandbox as a faulty identity provider (spid-sp-test's idea).

For each crafted case the run arms a one-shot fault rule for the client (an id_token fault from the fault
engine), then acts as the user's browser from the client's own login URL — so the client makes its own
``state``, ``nonce`` and PKCE — signs a persona in, and watches what the client does with the callback: its
HTTP answer, the final page, and whether it then used the access token (``userinfo.served``/``api.served`` in
the same login story). A bad token accepted and used is a failure; a refusal passes; the rest is
``autoavaliacao`` with the evidence. A control case with a correct token must succeed first, or the run says
the client could not be driven.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

from ..logs import redact
from .catalogue import rules
from .judge import evidence
from .model import Evidence, Finding, Outcome, Rule

# case → the rule it answers (rules/login.yaml) and the fault effect that crafts it (None: no fault)
CASES: dict[str, tuple[str, str | None]] = {
    "controle": ("LOGIN-20", None),
    "iss_errado": ("LOGIN-21", "id_token_wrong_iss"),
    "aud_errado": ("LOGIN-22", "id_token_wrong_aud"),
    "nonce_errado": ("LOGIN-23", "id_token_wrong_nonce"),
    "expirado": ("LOGIN-24", "id_token_expired"),
    "ainda_nao_valido": ("LOGIN-25", "id_token_not_yet_valid"),
    "assinatura_invalida": ("LOGIN-26", "id_token_bad_signature"),
    "kid_desconhecido": ("LOGIN-27", "id_token_unknown_kid"),
    "alg_none": ("LOGIN-28", "id_token_alg_none"),
    "code_repetido": ("LOGIN-29", None),  # the browser replays the callback (same code and state)
}
FAULT_VISIBLE_SECONDS = 1.5  # the emulators poll the registry's rules every second
PUBLISHED_TIMEOUT = 5.0  # how long the run waits for the login emulator's outbox to reach Kafka
USES_TOKEN = ("br.gov.sandbox.login.userinfo.served", "br.gov.sandbox.login.api.served")


class CannotDrive(Exception):
    """The run cannot reach or drive the client; the message says why, in Portuguese."""


@dataclass
class Observation:
    callback_status: int | None = None
    final_status: int | None = None
    final_url: str = ""
    page: str = ""
    token_used: bool = False
    events: list[dict] = field(default_factory=list)
    error: str | None = None


def loopback_only(redirect_uris: list[str]) -> None:
    """The run acts as the browser on this machine: the client's callback must be reachable here."""
    for uri in redirect_uris:
        host = urlsplit(uri).hostname or ""
        try:
            if host == "localhost" or ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            continue
    raise CannotDrive(
        "nenhuma redirect_uri do cliente está em 127.0.0.1/localhost "
        f"({', '.join(redirect_uris) or 'nenhuma cadastrada'}): o ensaio age como o navegador nesta máquina e "
        "precisa chegar ao retorno do seu serviço. Cadastre uma redirect_uri de loopback (ex.: "
        "http://127.0.0.1:8000/retorno) e rode o serviço localmente."
    )


class Browser:
    """Just enough of a browser: follows redirects, keeps cookies, submits the gov.br login and consent."""

    def __init__(self, login_base: str, persona: str, verify) -> None:
        self.login_base = login_base.rstrip("/")
        self.persona = persona
        self.http = httpx.AsyncClient(follow_redirects=False, timeout=20.0, verify=verify)

    async def close(self) -> None:
        await self.http.aclose()

    async def _follow(self, response: httpx.Response) -> httpx.Response:
        for _ in range(15):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            response = await self.http.get(response.url.join(response.headers["location"]))
        return response

    async def sign_in(self, start_url: str) -> str:
        """From the client's login URL to the callback URL the gov.br side sends the browser to."""
        response = await self.http.get(start_url)
        for _ in range(15):
            if response.status_code in (301, 302, 303, 307, 308):
                target = response.url.join(response.headers["location"])
                if str(response.url).startswith(self.login_base) and not str(target).startswith(
                    self.login_base
                ):
                    return str(target)  # gov.br → client: the callback, with code and state
                response = await self.http.get(target)
                continue
            url = str(response.url)
            query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            authorization_id = query.get("authorization_id")
            if url.startswith(f"{self.login_base}/login") and authorization_id:
                response = await self.http.post(
                    f"{self.login_base}/login",
                    data={"authorization_id": authorization_id, "cpf": self.persona, "modo": "persona"},
                )
            elif url.startswith(f"{self.login_base}/consent") and authorization_id:
                response = await self.http.post(
                    f"{self.login_base}/consent",
                    data={"authorization_id": authorization_id, "decisao": "autorizar"},
                )
            else:
                raise CannotDrive(
                    f"a partir de {start_url} o navegador parou em {url} (HTTP {response.status_code}) sem chegar "
                    "ao /authorize do sandbox: confira se o serviço usa o sandbox como provedor gov.br"
                )
        raise CannotDrive(f"redirecionamentos demais a partir de {start_url}")

    async def callback(self, url: str) -> Observation:
        seen = Observation()
        try:
            response = await self.http.get(url)
            seen.callback_status = response.status_code
            response = await self._follow(response)
        except httpx.HTTPError as exc:
            seen.error = f"{type(exc).__name__}: {exc}"
            return seen
        seen.final_status = response.status_code
        seen.final_url = redact(str(response.url))  # the code in a callback URL is a secret too
        seen.page = response.text[:400]
        return seen


class LoginService:
    """The login emulator's own sandbox endpoints, so each case waits for facts instead of fixed times:
    ``POST /sandbox/overrides/refresh`` makes it see a new fault rule now (rather than at its next poll), and
    ``GET /sandbox/health`` says when its outbox has reached Kafka. Where either is unreachable (a login
    behind a proxy), the run falls back to waiting one poll, or a moment, as it did before."""

    def __init__(self, base_url: str, verify) -> None:
        self.http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=5.0, verify=verify)

    async def close(self) -> None:
        await self.http.aclose()

    async def sees(self, rule_id: str) -> None:
        """Returns once the emulator applies the rule ``rule_id``."""
        try:
            response = await self.http.post("/sandbox/overrides/refresh")
            if response.status_code == 200 and rule_id in response.json().get("faults", []):
                return
        except (httpx.HTTPError, ValueError):
            pass
        await asyncio.sleep(FAULT_VISIBLE_SECONDS)

    async def published(self, since: float) -> None:
        """Returns once every event the emulator committed before ``since`` (this loop's clock) is in Kafka:
        its outbox is empty, or its oldest pending row is younger than ``since``."""
        loop = asyncio.get_running_loop()
        deadline = since + PUBLISHED_TIMEOUT
        while (asked := loop.time()) < deadline:
            try:
                outbox = (await self.http.get("/sandbox/health")).json().get("outbox") or {}
            except (httpx.HTTPError, ValueError, AttributeError):
                break
            pending, age = outbox.get("pending"), outbox.get("oldest_pending_age_seconds")
            if pending is None:
                break
            if pending == 0 or (age is not None and age < asked - since):
                return
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # the relay publishes within milliseconds


EventsOf = Callable[[], Awaitable[list[dict]]]
ArmFault = Callable[[str], Awaitable[str]]  # effect → rule id, once the emulator applies it
DisarmFault = Callable[[str], Awaitable[None]]
Published = Callable[[float], Awaitable[None]]  # until what login committed before this loop time is in Kafka


async def run_case(
    case: str,
    client_id: str,
    start_url: str,
    browser: Browser,
    events_of: EventsOf,
    arm: ArmFault,
    disarm: DisarmFault,
    seen_tokens: set[str],
    published: Published,
) -> Observation:
    _, effect = CASES[case]
    rule_id = await arm(effect) if effect else None
    try:
        callback = await browser.sign_in(start_url)
        observed = await browser.callback(callback)
        if case == "code_repetido" and observed.final_status and observed.final_status < 400:
            observed = await browser.callback(callback)  # the same code and state, again
    finally:
        if rule_id:
            await disarm(rule_id)
    await published(asyncio.get_running_loop().time())  # everything the case made login emit
    events = await events_of()
    mine = [e for e in events if (e.get("data") or {}).get("client_id") == client_id]
    issued = [
        e for e in mine if e["type"] == "br.gov.sandbox.login.token.issued" and e["id"] not in seen_tokens
    ]
    seen_tokens.update(e["id"] for e in issued)
    stories = {e.get("partitionkey") for e in issued}
    since = min((str(e.get("time", "")) for e in issued), default=None)
    used = [
        e
        for e in mine
        if e["type"] in USES_TOKEN
        and (e.get("partitionkey") in stories or (since is not None and str(e.get("time", "")) >= since))
    ]
    faults = [
        e
        for e in events
        if e["type"].endswith(".fault.injected") and (e.get("data") or {}).get("rule_id") == rule_id
    ]
    observed.token_used = bool(used)
    observed.events = faults + issued + used
    return observed


def judge_case(case: str, rule: Rule, observed: Observation) -> Finding:
    accepted = observed.final_status is not None and observed.final_status < 400
    shown = [evidence(e) for e in observed.events[:5]]
    shown.append(
        Evidence(
            id="",
            time="",
            type="navegador",
            detalhe={
                "retorno_http": observed.callback_status,
                "pagina_final_http": observed.final_status,
                "pagina_final": observed.final_url,
                "token_usado": observed.token_used,
                **({"erro": observed.error} if observed.error else {}),
            },
        )
    )
    if case == "controle":
        outcome = Outcome.PASSA if accepted else Outcome.FALHA
        why = (
            "Com um token correto o serviço concluiu o login."
            if accepted
            else "Com um token correto o serviço não concluiu o login: o ensaio não consegue conduzi-lo."
        )
    elif accepted and observed.token_used:
        outcome = Outcome.FALHA
        why = "O serviço aceitou a resposta adulterada (2xx) e usou o access token em seguida."
    elif not accepted:
        outcome = Outcome.PASSA
        why = f"O serviço recusou (HTTP {observed.final_status or observed.error})."
    else:
        outcome = Outcome.AUTOAVALIACAO
        why = "O serviço respondeu 2xx mas não usou o token: confira a página final se o login foi recusado."
    return Finding.of(rule, outcome, why, shown)


async def conformance_run(
    client_id: str,
    start_url: str,
    browser: Browser,
    events_of: EventsOf,
    arm: ArmFault,
    disarm: DisarmFault,
    published: Published,
    cases: list[str] | None = None,
    progress: Callable[[str, Finding], None] | None = None,
) -> list[Finding]:
    """Every case, control first; raises ``CannotDrive`` when the control case fails."""
    by_id = {r.id: r for r in rules("login")}
    chosen = ["controle", *[c for c in (cases or CASES) if c != "controle"]]
    seen_tokens: set[str] = set()
    findings = []
    for case in chosen:
        rule = by_id[CASES[case][0]]
        observed = await run_case(
            case, client_id, start_url, browser, events_of, arm, disarm, seen_tokens, published
        )
        finding = judge_case(case, rule, observed)
        findings.append(finding)
        if progress:
            progress(case, finding)
        if case == "controle" and finding.resultado is not Outcome.PASSA:
            raise CannotDrive(
                f"o caso de controle (token correto) não concluiu o login: retorno HTTP {observed.callback_status}, "
                f"página final HTTP {observed.final_status} em {observed.final_url or '?'} "
                f"{observed.error or ''}".strip()
            )
    return findings + [_summary(by_id["LOGIN-11"], findings)]


def _summary(rule: Rule, findings: list[Finding]) -> Finding:
    """LOGIN-11 (the id_token is validated) is the verdict of the id_token cases together."""
    cases = [f for f in findings if f.regra not in ("LOGIN-20", "LOGIN-29")]
    failed = [f.regra for f in cases if f.resultado is Outcome.FALHA]
    unclear = [f.regra for f in cases if f.resultado is Outcome.AUTOAVALIACAO]
    outcome = Outcome.FALHA if failed else Outcome.AUTOAVALIACAO if unclear else Outcome.PASSA
    why = (
        f"Aceitou id_tokens adulterados: {', '.join(failed)}."
        if failed
        else f"Casos sem conclusão: {', '.join(unclear)}."
        if unclear
        else f"Recusou todos os {len(cases)} id_tokens adulterados."
    )
    return Finding.of(rule, outcome, why)
