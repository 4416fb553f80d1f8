"""Personas: synthetic GOV.BR accounts used by the login and signature emulators.

A persona carries exactly what the real platform reveals about a citizen (reference acesso-govbr.md §3-§5):
identity and contacts for the id_token, the trust level and seals for the confiabilidades API and
`reliability_info`, the `amr` values of the login, and the companies for the empresas API. Validation is
strict and its messages are in Portuguese, because persona files are written by municipal teams.
Every persona is synthetic: CPFs and CNPJs have valid check digits but belong to nobody.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator
from pydantic_core import ErrorDetails

from sandbox_kernel.documents import (
    format_cpf,
    generate_cnpj,
    generate_cpf,
    only_digits,
    valid_cnpj,
    valid_cpf,
)

Nivel = Literal["bronze", "prata", "ouro"]
SituacaoCpf = Literal["regular", "cancelada", "falecido"]
Atuacao = Literal["SOCIO", "CONTADOR", "REPRESENTANTE_LEGAL", "NAO_ATUANTE"]

LEVELS: tuple[Nivel, ...] = ("bronze", "prata", "ouro")  # ascending trust
# §4.2: level ids of the REST "niveis" endpoint; §4.1: English names in `reliability_info.level`.
LEVEL_IDS: dict[Nivel, str] = {"bronze": "1", "prata": "2", "ouro": "3"}
RELIABILITY_LEVELS: dict[Nivel, str] = {"bronze": "bronze", "prata": "silver", "ouro": "gold"}

DEFAULT_FILE = "personas_default.yaml"


# --- seal catalogue (§4.3) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    id: str
    slug: str
    description: str
    level: Nivel
    discontinued: bool = False  # can no longer be acquired, but existing accounts keep it


def _seals(*rows: tuple[str, str, str, Nivel] | tuple[str, str, str, Nivel, bool]) -> dict[str, Seal]:
    return {row[0]: Seal(*row) for row in rows}


SEAL_CATALOGUE: dict[str, Seal] = _seals(
    ("101", "kba_previdencia", "INSS", "bronze"),
    ("201", "cadastro_basico", "Receita Federal", "bronze"),
    ("301", "servidor_publico", "Base Servidores Públicos", "prata", True),
    ("401", "biovalid_facial", "Biometria Facial (Senatran)", "prata"),
    ("501", "balcao_sat_previdencia", "Balcão do INSS", "bronze"),
    ("502", "balcao_denatran", "Balcão Detran", "bronze"),
    ("503", "balcao_correios", "Balcão dos Correios", "bronze"),
    ("504", "balcao", "Balcão Presencial gov.br", "bronze"),
    ("601", "balcao_nai_previdencia", "Internet Banking", "bronze"),
    ("602", "bb_internet_banking", "Banco do Brasil", "prata"),
    ("603", "banrisul_internet_banking", "Banrisul", "prata"),
    ("604", "bradesco_internet_banking", "Bradesco", "prata"),
    ("605", "cef_internet_banking", "Caixa", "prata"),
    ("606", "brb_internet_banking", "BRB", "prata"),
    ("607", "sicoob_internet_banking", "Sicoob", "prata"),
    ("608", "santander_internet_banking", "Santander", "prata"),
    ("609", "agibank_internet_banking", "Agibank", "prata"),
    ("610", "itau_internet_banking", "Itaú", "prata"),
    ("618", "mercantil_internet_banking", "Banco Mercantil", "prata"),
    ("624", "sicred_internet_banking", "Sicredi", "prata"),
    ("625", "picpay_internet_banking", "PicPay/Original", "prata"),
    ("626", "nubank_internet_banking", "Nubank", "prata"),
    ("627", "btgpactual_internet_banking", "BTG Pactual", "prata"),
    ("628", "inter_internet_banking", "Banco Inter", "prata"),
    ("629", "c6_internet_banking", "C6Bank", "prata"),
    ("630", "bmg_internet_banking", "Banco BMG", "prata"),
    ("701", "tse_facial", "Biometria Facial (TSE)", "ouro"),
    ("702", "biometria_digital", "Biometria Digital", "ouro"),
    ("801", "certificado_digital", "Certificado digital", "ouro"),
    ("901", "cin_facial", "Carteira de Identidade (CIN)", "ouro"),
)


def seals_of_level(level: Nivel) -> list[str]:
    return [s.id for s in SEAL_CATALOGUE.values() if s.level == level]


# --- amr values (§3.4) -------------------------------------------------------------------------------------

# Method → its detail values. `captcha` is not in the documented list but appears in every official example.
AMR_METHODS: dict[str, tuple[str, ...]] = {
    "passwd": (),
    "captcha": (),
    "x509": (
        "x509_token",
        "x509_neoid",
        "x509_safeid",
        "x509_birdid",
        "x509_serasa",
        "x509_vidaas",
        "x509_remoteid",
    ),
    "bank": (
        "bank001",
        "bank121",
        "bank070",
        "bank041",
        "bank237",
        "bank104",
        "bank341",
        "bank389",
        "bank033",
        "bank756",
        "bank748",
    ),
    "app": ("app_qrcode",),
    "mfa": ("otp", "otp_offline"),
}
AMR_PARENT: dict[str, str] = {detail: method for method, details in AMR_METHODS.items() for detail in details}
AMR_VALUES: frozenset[str] = frozenset(AMR_METHODS) | frozenset(AMR_PARENT)

# Bank seal → the `bankNNN` amr detail of that bank's login (used by the generator for coherent personas).
_BANK_AMR = {
    "602": "bank001",
    "603": "bank041",
    "604": "bank237",
    "605": "bank104",
    "606": "bank070",
    "607": "bank756",
    "608": "bank033",
    "609": "bank121",
    "610": "bank341",
    "618": "bank389",
    "624": "bank748",
}


# --- models --------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")  # E.164
_PHONE_SEPARATORS = re.compile(r"[\s().-]")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_IBGE = re.compile(r"^(\d{2}|\d{7})$")  # UF (2 digits) or município (7 digits)


def _text(v: Any, what: str = "texto") -> str:
    """Reject non-strings instead of coercing: YAML turns `senha: 123456` into an int, `+5561...` into an
    int without the plus, and `cpf: 01234567` into an octal number; silently accepting those corrupts data."""
    if not isinstance(v, str):
        raise ValueError(f"esperado {what}; no YAML, escreva o valor entre aspas")
    v = v.strip()
    if not v:
        raise ValueError("não pode ser vazio")
    return v


def _document(v: Any, kind: str, size: int, mask: str, pattern: str, valid) -> str:
    v = _text(v, f"o {kind} como texto")
    digits = only_digits(v)
    if not re.fullmatch(rf"\d{{{size}}}|{pattern}", v):
        raise ValueError(f"{kind} {v!r} deve ter {size} dígitos, sem máscara ou no formato {mask}")
    if len(set(digits)) == 1:
        raise ValueError(f"{kind} {v!r} com todos os dígitos iguais não é válido")
    if not valid(digits):
        raise ValueError(f"{kind} {v!r} inválido: os dígitos verificadores não conferem")
    return digits


def _cpf(v: Any) -> str:
    return _document(v, "CPF", 11, "000.000.000-00", r"\d{3}\.\d{3}\.\d{3}-\d{2}", valid_cpf)


def _cnpj(v: Any) -> str:
    return _document(v, "CNPJ", 14, "00.000.000/0000-00", r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", valid_cnpj)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Selo(_Strict):
    """One seal (confiabilidade) of the account, as in `reliability_info.reliabilities` (§4.1)."""

    id: str
    updated_at: AwareDatetime  # emitted as `updatedAt` / `dataAtualizacao`; a zone is needed to render -0300

    @field_validator("id", mode="before")
    @classmethod
    def _known_seal(cls, v: Any) -> str:
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)  # `id: 801` unquoted in YAML is unambiguous: no catalogue id has a leading zero
        v = _text(v)
        if v not in SEAL_CATALOGUE:
            raise ValueError(
                f"selo {v!r} não existe no catálogo de confiabilidades; ids válidos: {', '.join(SEAL_CATALOGUE)}"
            )
        return v

    @property
    def seal(self) -> Seal:
        return SEAL_CATALOGUE[self.id]


class Empresa(_Strict):
    """A company the persona participates in, as in the empresas API v2 (§5.1)."""

    cnpj: str
    razao_social: str
    atuacao: Atuacao
    cadastrador: StrictBool = False

    @field_validator("cnpj", mode="before")
    @classmethod
    def _check_cnpj(cls, v: Any) -> str:
        return _cnpj(v)

    @field_validator("razao_social", mode="before")
    @classmethod
    def _check_razao(cls, v: Any) -> str:
        return _text(v)


class Persona(_Strict):
    """A synthetic GOV.BR account.

    Field order matters: validators of later fields (`nivel`, `*_verificado`) read earlier ones, so each
    consistency error is reported on the field that has to change.
    """

    cpf: str  # digits only
    nome: str
    nome_social: str | None = None
    descricao: str | None = None  # which scenario the persona covers, shown on the sandbox login page
    email: str | None = None
    email_verificado: StrictBool = False
    telefone: str | None = None  # E.164, e.g. +5561999990000
    telefone_verificado: StrictBool = False
    data_nascimento: date
    senha: str  # synthetic test password, shown in clear on the sandbox login page
    selos: list[Selo] = Field(min_length=1)
    nivel: Nivel
    amr: list[str] = Field(default_factory=lambda: ["passwd"])
    situacao_cpf: SituacaoCpf = "regular"
    bloqueada: StrictBool = False  # account blocked: login is refused
    empresas: list[Empresa] = Field(default_factory=list)
    avatar_cor: str | None = None  # "#rrggbb" background of the initials avatar
    ente: str | None = None  # IBGE code of the owning ente; None = global persona

    @field_validator("cpf", mode="before")
    @classmethod
    def _check_cpf(cls, v: Any) -> str:
        return _cpf(v)

    @field_validator("nome", "senha", mode="before")
    @classmethod
    def _check_text(cls, v: Any) -> str:
        return _text(v)

    @field_validator("nome_social", "descricao", mode="before")
    @classmethod
    def _optional_text(cls, v: Any) -> str | None:
        return None if v is None else _text(v)

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, v: Any) -> str | None:
        if v is None:
            return None
        v = _text(v)
        if not _EMAIL.match(v):
            raise ValueError(f"e-mail {v!r} inválido")
        return v

    @field_validator("telefone", mode="before")
    @classmethod
    def _phone(cls, v: Any) -> str | None:
        if v is None:
            return None
        v = _PHONE_SEPARATORS.sub("", _text(v, "o telefone como texto"))
        if not _PHONE.match(v):
            raise ValueError(f"telefone {v!r} inválido; use o formato internacional, ex.: +5561999990000")
        return v

    @field_validator("email_verificado", "telefone_verificado")
    @classmethod
    def _verified_needs_value(cls, v: bool, info) -> bool:
        contact = info.field_name.removesuffix("_verificado")
        if v and contact in info.data and info.data[contact] is None:
            raise ValueError(f"não pode ser true sem '{contact}'")
        return v

    @field_validator("data_nascimento")
    @classmethod
    def _birth(cls, v: date) -> date:
        if v > date.today():
            raise ValueError("data de nascimento no futuro")
        if v.year < 1900:
            raise ValueError("data de nascimento anterior a 1900")
        return v

    @field_validator("selos")
    @classmethod
    def _unique_seals(cls, v: list[Selo]) -> list[Selo]:
        ids = [s.id for s in v]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"selo repetido: {', '.join(repeated)}")
        return v

    @field_validator("nivel")
    @classmethod
    def _level_matches_seals(cls, v: Nivel, info) -> Nivel:
        selos: list[Selo] | None = info.data.get("selos")
        if not selos:  # seals already failed validation; that error is the one to fix
            return v
        top = max(selos, key=lambda s: LEVELS.index(s.seal.level))
        if LEVELS.index(top.seal.level) > LEVELS.index(v):
            raise ValueError(
                f"nível {v!r} incompatível com o selo {top.id} ({top.seal.slug}), de nível {top.seal.level}: "
                "o nível da conta é o do seu selo mais alto"
            )
        if top.seal.level != v:
            raise ValueError(
                f"nível {v!r} exige ao menos um selo de nível {v} ({', '.join(seals_of_level(v))}); "
                f"o selo mais alto informado é de nível {top.seal.level}"
            )
        return v

    @field_validator("amr")
    @classmethod
    def _amr(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("informe ao menos um método de autenticação, ex.: ['passwd']")
        for value in v:
            if value not in AMR_VALUES:
                raise ValueError(
                    f"valor de amr {value!r} desconhecido; valores válidos: {', '.join(sorted(AMR_VALUES))}"
                )
            parent = AMR_PARENT.get(value)
            if parent and parent not in v:  # the platform always sends the method with its detail (§3.4)
                raise ValueError(f"o valor {value!r} exige também {parent!r} em amr")
        if len(set(v)) != len(v):
            raise ValueError("valor de amr repetido")
        return v

    @field_validator("empresas")
    @classmethod
    def _unique_companies(cls, v: list[Empresa]) -> list[Empresa]:
        cnpjs = [e.cnpj for e in v]
        if len(set(cnpjs)) != len(cnpjs):
            raise ValueError("a mesma empresa (CNPJ) aparece mais de uma vez")
        return v

    @field_validator("avatar_cor", mode="before")
    @classmethod
    def _colour(cls, v: Any) -> str | None:
        if v is None:
            return None
        v = _text(v)
        if not _HEX_COLOUR.match(v):
            raise ValueError(f"cor {v!r} inválida; use o formato #rrggbb")
        return v.lower()

    @field_validator("ente", mode="before")
    @classmethod
    def _ente(cls, v: Any) -> str | None:
        if v is None:
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)  # IBGE codes never start with 0
        v = _text(v)
        if not _IBGE.match(v):
            raise ValueError(f"código IBGE {v!r} inválido; use 2 dígitos (UF) ou 7 dígitos (município)")
        return v

    # Convenience for the emulators; plain properties so they never appear in model_dump().

    @property
    def formatted_cpf(self) -> str:
        return format_cpf(self.cpf)

    @property
    def display_name(self) -> str:
        return self.nome_social or self.nome

    @property
    def initials(self) -> str:
        words = [w for w in self.display_name.split() if w.lower() not in _NAME_PARTICLES]
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()

    @property
    def avatar_color(self) -> str:
        """`avatar_cor`, or a stable colour derived from the CPF so every persona has one."""
        return self.avatar_cor or _PALETTE[int(self.cpf) % len(_PALETTE)]

    def age_on(self, day: date) -> int:
        born = self.data_nascimento
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_NAME_PARTICLES = {"da", "de", "do", "das", "dos", "e"}
_PALETTE = ("#1351b4", "#168821", "#e52207", "#ffcd07", "#155bcb", "#0c326f", "#8b0a03", "#5992ed", "#4d8a2e")


# --- persona files -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonaIssue:
    """One problem in a persona file. `entry` is the 0-based position in the list (None: the file itself)."""

    entry: int | None
    label: str | None  # "cpf 12345678909" or "nome 'Maria'", to find the entry without counting
    field: str | None  # path inside the entry, e.g. "selos[0].id"
    reason: str

    def __str__(self) -> str:
        parts = []
        if self.entry is not None:
            parts.append(f"entrada {self.entry}" + (f" ({self.label})" if self.label else ""))
        if self.field:
            parts.append(f"campo '{self.field}'")
        parts.append(self.reason)
        return ": ".join(parts)


class PersonaFileError(ValueError):
    """A persona file (or document) that cannot be loaded; the message lists every problem, one per line."""

    MAX_LISTED = 20

    def __init__(self, source: str, issues: list[PersonaIssue]):
        self.source = source
        self.issues = issues
        lines = [f"{source}: {issue}" for issue in issues[: self.MAX_LISTED]]
        if len(issues) > self.MAX_LISTED:
            lines.append(f"{source}: ... e mais {len(issues) - self.MAX_LISTED} problema(s)")
        super().__init__("\n".join(lines))


def load_persona_file(path: str | Path) -> list[Persona]:
    """Load and strictly validate a `.yaml`/`.yml` or `.json` persona file.

    The document is a list of personas or `{"personas": [...]}`. Raises PersonaFileError naming the file,
    the entry and the field of each problem; CPFs repeated within the file are an error.
    """
    path = Path(path)
    source = str(path)
    fmt = _format_of(path)
    if fmt is None:
        raise PersonaFileError(source, [_file_issue("extensão não suportada; use .yaml, .yml ou .json")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonaFileError(source, [_file_issue(f"não foi possível ler o arquivo: {exc}")]) from exc
    return personas_from_text(text, source, fmt)


def personas_from_text(text: str, source: str, fmt: Literal["yaml", "json"] = "yaml") -> list[Persona]:
    """Parse a persona document (e.g. an uploaded file); `source` names it in error messages."""
    try:
        data = _parse_json(text) if fmt == "json" else yaml.load(text, Loader=_StrictYamlLoader)
    except (ValueError, yaml.YAMLError) as exc:
        raise PersonaFileError(source, [_file_issue(_syntax_error(exc, fmt))]) from exc
    return personas_from_data(data, source)


def personas_from_data(data: Any, source: str) -> list[Persona]:
    """Validate already-parsed persona data (a list, or a mapping with the single key "personas")."""
    if isinstance(data, dict) and set(data) == {"personas"}:
        data = data["personas"]
    if not isinstance(data, list):
        raise PersonaFileError(
            source,
            [_file_issue('o documento deve ser uma lista de personas ou um objeto {"personas": [...]}')],
        )
    personas: list[Persona] = []
    issues: list[PersonaIssue] = []
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            issues.append(PersonaIssue(index, None, None, "esperado um objeto com os campos da persona"))
            continue
        label = _label(entry)
        try:
            persona = Persona.model_validate(entry)
        except ValidationError as exc:
            issues.extend(validation_issues(exc, index, label))
            continue
        if persona.cpf in first_seen:
            reason = f"CPF {persona.cpf} repetido (já usado na entrada {first_seen[persona.cpf]})"
            issues.append(PersonaIssue(index, label, "cpf", reason))
            continue
        first_seen[persona.cpf] = index
        personas.append(persona)
    if issues:
        raise PersonaFileError(source, issues)
    return personas


def validation_issues(
    exc: ValidationError, entry: int | None = None, label: str | None = None
) -> list[PersonaIssue]:
    """A pydantic error of Persona (or Selo/Empresa) as PersonaIssues with Portuguese reasons, e.g. for an
    HTTP API that validates a single persona and wants the same messages as the file loader."""
    return [PersonaIssue(entry, label, _field_path(e["loc"]), _reason(e)) for e in exc.errors()]


def default_personas() -> list[Persona]:
    """The personas shipped with the sandbox (global: `ente` is None)."""
    text = resources.files(__package__).joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return personas_from_text(text, DEFAULT_FILE, "yaml")


def _format_of(path: Path) -> Literal["yaml", "json"] | None:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if suffix == ".json" else None


def _file_issue(reason: str) -> PersonaIssue:
    return PersonaIssue(None, None, None, reason)


def _label(entry: dict) -> str | None:
    cpf, nome = entry.get("cpf"), entry.get("nome")
    if isinstance(cpf, str | int) and not isinstance(cpf, bool):
        return f"cpf {cpf}"
    return f"nome {nome!r}" if isinstance(nome, str) else None


def _field_path(loc: tuple[str | int, ...]) -> str | None:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


# Portuguese for the pydantic errors a persona file can trigger; our own validators already speak Portuguese.
_REASONS = {
    "missing": "campo obrigatório ausente",
    "extra_forbidden": "campo desconhecido",
    "bool_type": "esperado true ou false",
    "string_type": "esperado texto",
    "list_type": "esperada uma lista",
    "model_type": "esperado um objeto",
    "dict_type": "esperado um objeto",
    "date_type": "data inválida; use AAAA-MM-DD",
    "date_parsing": "data inválida; use AAAA-MM-DD",
    "date_from_datetime_parsing": "data inválida; use AAAA-MM-DD",
    "date_from_datetime_inexact": "esperada uma data sem horário (AAAA-MM-DD)",
    "datetime_type": "data e hora inválidas; use AAAA-MM-DDThh:mm:ss-03:00",
    "datetime_parsing": "data e hora inválidas; use AAAA-MM-DDThh:mm:ss-03:00",
    "datetime_from_date_parsing": "data e hora inválidas; use AAAA-MM-DDThh:mm:ss-03:00",
    "timezone_aware": "informe o fuso horário, ex.: 2025-07-02T14:17:16-03:00",
}


def _reason(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valor {error['input']!r} não permitido; use {expected}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "a lista não pode ser vazia"
    return _REASONS.get(kind, error["msg"])


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that rejects repeated keys: PyYAML silently keeps the last one, hiding typos."""

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"chave {key!r} repetida", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse_json(text: str) -> Any:
    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        repeated = {k for k in keys if keys.count(k) > 1}
        if repeated:
            raise ValueError(f"chave {sorted(repeated)[0]!r} repetida")
        return dict(pairs)

    return json.loads(text, object_pairs_hook=no_repeats)


def _syntax_error(exc: Exception, fmt: str) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON inválido na linha {exc.lineno}, coluna {exc.colno}: {exc.msg}"
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" na linha {mark.line + 1}, coluna {mark.column + 1}" if mark else ""
    return f"{fmt.upper()} inválido{where}: {problem}"


# --- generator -----------------------------------------------------------------------------------------------

_FIRST_NAMES_F = (
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia", "Aline",
    "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa", "Mariana",
)  # fmt: skip
_FIRST_NAMES_M = (
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
    "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo", "Rodrigo",
)  # fmt: skip
_SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
    "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
)  # fmt: skip
_COMPANY_ACTIVITIES = (
    "Comércio de Alimentos", "Serviços Contábeis", "Construções", "Transportes", "Tecnologia da Informação",
    "Materiais de Construção", "Consultoria", "Confecções", "Farmácia", "Auto Peças",
)  # fmt: skip
_COMPANY_SUFFIXES = ("Ltda", "ME", "EIRELI", "S.A.")
_DDDS = ("11", "21", "31", "41", "51", "61", "71", "81", "85", "91", "62", "27", "48", "84", "98")
_ATUACOES: tuple[Atuacao, ...] = ("SOCIO", "CONTADOR", "REPRESENTANTE_LEGAL", "NAO_ATUANTE")
_BRT = timezone(timedelta(hours=-3))
_SEALS_SINCE = datetime(2023, 1, 1, tzinfo=_BRT)
_BORN_FROM, _BORN_UNTIL = date(1940, 1, 1), date(2012, 12, 31)  # fixed range: ages must not depend on today
GENERATED_PASSWORD = "Senha@123"


def generate_personas(n: int, seed: int, ente: str | None = None) -> list[Persona]:
    """`n` varied synthetic personas, deterministic for a given (seed, ente).

    The ente is mixed into the random stream so two entes generating with the same seed (say, every trainee
    of a class using 42) do not get the same CPFs.
    """
    if n < 0:
        raise ValueError("n deve ser maior ou igual a zero")
    rng = random.Random(f"govbr-sandbox/personas/{seed}/{ente or '-'}")
    used_cpfs: set[str] = set()
    used_cnpjs: set[str] = set()
    return [_generate_one(rng, i, seed, ente, used_cpfs, used_cnpjs) for i in range(n)]


def _unique(rng: random.Random, make, used: set[str]) -> str:
    while (value := make(rng)) in used:
        pass
    used.add(value)
    return value


def _ascii_slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _generate_one(
    rng: random.Random, i: int, seed: int, ente: str | None, used_cpfs: set[str], used_cnpjs: set[str]
) -> Persona:
    # Scenarios follow the index so that even a handful of personas covers every level, CPF status and
    # company role (10 personas: all levels and statuses; 8: all roles); names, dates, seals, amr are random.
    nivel: Nivel = ("ouro", "prata", "bronze")[i % 3]
    situacao: SituacaoCpf = {7: "cancelada", 8: "falecido"}.get(i % 10, "regular")  # type: ignore[assignment]
    female = rng.random() < 0.5
    first = rng.choice(_FIRST_NAMES_F if female else _FIRST_NAMES_M)
    surnames = rng.sample(_SURNAMES, rng.choice((1, 2, 2, 3)))
    selos = _generate_seals(rng, nivel)
    has_email, has_phone = i % 10 != 6, i % 10 != 3
    data = {
        "cpf": _unique(rng, generate_cpf, used_cpfs),
        "nome": " ".join([first, *surnames]),
        "nome_social": _social_name(rng, female, surnames) if i % 10 == 2 else None,
        "email": f"{_ascii_slug(first)}.{_ascii_slug(surnames[-1])}.{i + 1}@exemplo.test"
        if has_email
        else None,
        "email_verificado": has_email and i % 10 != 4,
        "telefone": f"+55{rng.choice(_DDDS)}9{rng.randrange(10**8):08d}" if has_phone else None,
        "telefone_verificado": has_phone and i % 10 != 5,
        "data_nascimento": _BORN_FROM + timedelta(days=rng.randrange((_BORN_UNTIL - _BORN_FROM).days + 1)),
        "senha": GENERATED_PASSWORD,
        "selos": selos,
        "nivel": nivel,
        "amr": _generate_amr(rng, [s["id"] for s in selos]),
        "situacao_cpf": situacao,
        "bloqueada": i % 10 == 9,
        "empresas": _generate_companies(rng, _ATUACOES[(i // 2) % 4], surnames[-1], used_cnpjs)
        if i % 2
        else [],
        "avatar_cor": rng.choice(_PALETTE),
        "ente": ente,
    }
    data["descricao"] = _describe(data, seed, i)
    return Persona.model_validate(data)


def _describe(data: dict[str, Any], seed: int, i: int) -> str:
    facts = [f"nível {data['nivel']}"]
    if data["situacao_cpf"] != "regular":
        facts.append({"cancelada": "CPF cancelado", "falecido": "titular falecido"}[data["situacao_cpf"]])
    if data["bloqueada"]:
        facts.append("conta bloqueada")
    if data["nome_social"]:
        facts.append("com nome social")
    if not data["email"]:
        facts.append("sem e-mail")
    elif not data["email_verificado"]:
        facts.append("e-mail não verificado")
    if not data["telefone"]:
        facts.append("sem telefone")
    elif not data["telefone_verificado"]:
        facts.append("telefone não verificado")
    facts += [f"{e['atuacao']} de {e['razao_social']}" for e in data["empresas"]]
    return f"Persona gerada (semente {seed}, nº {i + 1}): " + ", ".join(facts)


def _social_name(rng: random.Random, female: bool, surnames: list[str]) -> str:
    # A social name usually changes the first name only.
    return " ".join([rng.choice(_FIRST_NAMES_M if female else _FIRST_NAMES_F), *surnames])


def _generate_seals(rng: random.Random, nivel: Nivel) -> list[dict[str, Any]]:
    ids = ["201"]  # nearly every account starts from the Receita Federal basic registration
    if rng.random() < 0.3:
        ids.append(rng.choice(("101", "501", "503", "504")))
    if nivel in ("prata", "ouro") and (nivel == "prata" or rng.random() < 0.5):
        ids.append(rng.choice([s for s in seals_of_level("prata") if not SEAL_CATALOGUE[s].discontinued]))
    if nivel == "ouro":
        ids.append(rng.choice(seals_of_level("ouro")))
    return [
        {"id": seal_id, "updated_at": _SEALS_SINCE + timedelta(seconds=rng.randrange(2 * 365 * 86400))}
        for seal_id in ids
    ]


def _generate_amr(rng: random.Random, seal_ids: list[str]) -> list[str]:
    bank_seals = [s for s in seal_ids if s in _BANK_AMR]
    roll = rng.random()
    if "801" in seal_ids and roll < 0.5:
        amr = ["x509", rng.choice(AMR_METHODS["x509"])]
    elif bank_seals and roll < 0.4:
        amr = ["bank", _BANK_AMR[bank_seals[0]]]
    elif roll < 0.1:
        amr = ["app", "app_qrcode"]
    else:
        amr = ["passwd"]
    if amr == ["passwd"] and rng.random() < 0.4:
        amr += ["mfa", rng.choice(AMR_METHODS["mfa"])]
    return amr


def _generate_companies(
    rng: random.Random, first_role: Atuacao, surname: str, used_cnpjs: set[str]
) -> list[dict[str, Any]]:
    roles = [first_role] + ([rng.choice(_ATUACOES)] if rng.random() < 0.3 else [])
    return [
        {
            "cnpj": _unique(rng, generate_cnpj, used_cnpjs),
            "razao_social": f"{surname} {rng.choice(_COMPANY_ACTIVITIES)} {rng.choice(_COMPANY_SUFFIXES)}",
            "atuacao": role,
            # the cadastrador is whoever registers the company's other participants: a partner or legal rep
            "cadastrador": role in ("SOCIO", "REPRESENTANTE_LEGAL") and rng.random() < 0.6,
        }
        for role in roles
    ]
