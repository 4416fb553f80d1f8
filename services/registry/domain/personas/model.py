"""The persona model: a synthetic GOV.BR account, strictly validated with Portuguese messages.

A persona carries exactly what the real platform reveals about a citizen (reference acesso-govbr.md §3-§5).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, field_validator

from sandbox_kernel.documents import (
    format_cpf,
    only_digits,
    valid_cnpj,
    valid_cpf,
)

from .catalogue import (
    AMR_PARENT,
    AMR_VALUES,
    LEVELS,
    SEAL_CATALOGUE,
    Atuacao,
    Nivel,
    Seal,
    SituacaoCpf,
    seals_of_level,
)

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
        return self.avatar_cor or PALETTE[int(self.cpf) % len(PALETTE)]

    def age_on(self, day: date) -> int:
        born = self.data_nascimento
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_NAME_PARTICLES = {"da", "de", "do", "das", "dos", "e"}
PALETTE = ("#1351b4", "#168821", "#e52207", "#ffcd07", "#155bcb", "#0c326f", "#8b0a03", "#5992ed", "#4d8a2e")
