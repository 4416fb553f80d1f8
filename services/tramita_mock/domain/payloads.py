"""Request bodies of ``POST tramites/processo`` and ``POST tramites/documento`` (reference §2.2–2.3).

Parsing is tolerant where real clients differ (unknown properties are kept and ignored, booleans as
true/false/1/0 or their strings, ids as numbers or strings, SUAP's inverse flag
``obrigarEnvioDeTodosOsComponentesDigitais``) and strict where the platform is strict: every failing
field is collected and reported at once as error 0001, in the real message style
(``processo.documentos[2].especie.codigo deve ser um código de espécie válido``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import validation_error
from .especies import valid_especie

MIME_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.formula",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "text/xml", "text/rtf", "text/html", "text/plain", "text/csv",
        "image/gif", "image/jpeg", "image/png", "image/svg+xml", "image/tiff", "image/bmp",
        "audio/mp4", "audio/midi", "audio/ogg", "audio/vnd.wave",
        "video/avi", "video/mpeg", "video/mp4", "video/ogg", "video/webm",
        "outro",
    }
)  # fmt: skip
TIPOS_DE_CONTEUDO = frozenset({"txt", "img", "aud", "vid", "out"})
NIVEIS_DE_SIGILO = {1: "público", 2: "restrito", 3: "sigiloso"}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Estrutura(_Lenient):
    identificacaoDoRepositorioDeEstruturas: int
    numeroDeIdentificacaoDaEstrutura: str

    @field_validator("numeroDeIdentificacaoDaEstrutura", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Hash(_Lenient):
    algoritmo: str
    conteudo: str


class Componente(_Lenient):
    ordem: int | None = None
    nome: str = Field(..., min_length=1, max_length=255)
    hash: Hash
    tamanhoEmBytes: int = Field(..., ge=0)
    mimeType: str
    tipoDeConteudo: str
    dadosComplementaresDoTipoDeArquivo: str | None = None
    assinaturasDigitais: list[dict[str, Any]] = Field(default_factory=list)


class Especie(_Lenient):
    codigo: int | str
    nomeNoProdutor: str


class Unidade(_Lenient):
    nome: str | None = None
    tipo: str | None = None


class Produtor(_Lenient):
    nome: str = Field(..., min_length=1)
    tipo: str | None = None
    numeroDeIdentificacao: str | None = None
    unidade: Unidade | None = None


class Interessado(_Lenient):
    nome: str = Field(..., min_length=1)


class HipoteseLegal(_Lenient):
    identificacao: int


class Documento(_Lenient):
    ordem: int = Field(..., ge=1)
    descricao: str | None = None
    retirado: bool = False
    nivelDeSigilo: int
    hipoteseLegal: HipoteseLegal | None = None
    dataHoraDeProducao: str = Field(..., min_length=1)
    produtor: Produtor
    especie: Especie
    componentesDigitais: list[Componente] = Field(..., min_length=1)
    protocoloDoProcessoAnexado: str | None = None


class Processo(_Lenient):
    protocolo: str = Field(..., min_length=1, max_length=50)
    nivelDeSigilo: int
    hipoteseLegal: HipoteseLegal | None = None
    processoDeNegocio: str | None = None
    descricao: str | None = None
    dataHoraDeProducao: str = Field(..., min_length=1)
    produtor: Produtor
    interessados: list[Interessado] = Field(..., min_length=1)
    documentos: list[Documento] = Field(..., min_length=1)
    processoApensado: list[Processo] = Field(default_factory=list)


class Cabecalho(_Lenient):
    remetente: Estrutura
    destinatario: Estrutura
    NRE: str | None = None
    enviarApenasComponentesDigitaisPendentes: bool | None = None
    obrigarEnvioDeTodosOsComponentesDigitais: bool | None = None
    urgencia: bool | None = None
    motivoDaUrgencia: int | bool | None = None
    propriedadesAdicionais: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def apenas_pendentes(self) -> bool:
        if self.enviarApenasComponentesDigitaisPendentes is not None:
            return self.enviarApenasComponentesDigitaisPendentes
        if self.obrigarEnvioDeTodosOsComponentesDigitais is not None:  # SOAP v2 / SUAP, inverse meaning
            return not self.obrigarEnvioDeTodosOsComponentesDigitais
        return False


class NovoTramiteDeProcesso(_Lenient):
    cabecalho: Cabecalho
    processo: Processo


class CabecalhoDocumento(_Lenient):
    remetente: Estrutura
    destinatarios: list[Estrutura] = Field(..., min_length=1)
    urgencia: bool | None = None
    propriedadesAdicionais: list[dict[str, Any]] = Field(default_factory=list)


class DocumentoAvulso(_Lenient):
    protocolo: str = Field(..., min_length=1, max_length=50)
    nivelDeSigilo: int
    hipoteseLegal: HipoteseLegal | None = None
    descricao: str | None = None
    dataHoraDeProducao: str = Field(..., min_length=1)
    produtor: Produtor
    especie: Especie
    interessados: list[Interessado] = Field(..., min_length=1)
    componentesDigitais: list[Componente] = Field(..., min_length=1)


class NovoTramiteDeDocumento(_Lenient):
    cabecalho: CabecalhoDocumento
    documento: DocumentoAvulso


# ---------------------------------------------------------------------------------------------- messages

_MESSAGES = {
    "missing": "não pode ser nulo",
    "none_required": "não pode ser nulo",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "int_from_float": "deve ser um número inteiro",
    "bool_type": "deve ser verdadeiro ou falso (true/false ou 1/0)",
    "bool_parsing": "deve ser verdadeiro ou falso (true/false ou 1/0)",
    "string_type": "deve ser um texto",
    "list_type": "deve ser uma lista",
    "dict_type": "deve ser um objeto",
    "model_type": "deve ser um objeto",
    "model_attributes_type": "deve ser um objeto",
}


def path_of(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("too_short", "string_too_short"):
        return "não pode ser vazio"
    if kind == "string_too_long":
        return f"deve ter no máximo {ctx.get('max_length')} caracteres"
    if kind == "too_long":
        return f"deve ter no máximo {ctx.get('max_length')} itens"
    if kind == "greater_than_equal":
        return f"deve ser maior ou igual a {ctx.get('ge')}"
    return _MESSAGES.get(kind, error.get("msg", "é inválido"))


_UNION_TAG = re.compile(r"^(int|str|bool|float|none|function-\w+\[.*\])$")


def _pydantic_problems(exc: ValidationError) -> list[str]:
    seen: dict[str, str] = {}
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not _UNION_TAG.match(str(p)))
        path = path_of(loc)
        seen.setdefault(path, f"{path} {_message(error)}")  # unions report once per field
    return list(seen.values())


# ---------------------------------------------------------------------------------------------- checks


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _check_hash(problems: list[str], where: str, h: dict) -> None:
    if "algoritmo" in h and h["algoritmo"] != "SHA256":
        problems.append(f"{where}.hash.algoritmo deve ser SHA256")
    conteudo = h.get("conteudo")
    if isinstance(conteudo, str):
        try:
            raw = base64.b64decode(conteudo, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            problems.append(f"{where}.hash.conteudo deve ser o Base64 de um resumo SHA-256 (32 bytes)")


def _check_componentes(problems: list[str], where: str, componentes: Any) -> None:
    for i, c in enumerate(_list(componentes)):
        c = _dict(c)
        at = f"{where}.componentesDigitais[{i}]"
        _check_hash(problems, at, _dict(c.get("hash")))
        if isinstance(c.get("mimeType"), str) and c["mimeType"] not in MIME_TYPES:
            problems.append(f"{at}.mimeType deve ser um tipo MIME válido")
        if isinstance(c.get("tipoDeConteudo"), str) and c["tipoDeConteudo"] not in TIPOS_DE_CONTEUDO:
            problems.append(f"{at}.tipoDeConteudo deve ser um dos valores txt, img, aud, vid, out")


def _check_sigilo(problems: list[str], where: str, item: dict) -> None:
    nivel = _int(item.get("nivelDeSigilo"))
    if "nivelDeSigilo" in item and nivel is not None and nivel not in NIVEIS_DE_SIGILO:
        problems.append(f"{where}.nivelDeSigilo deve ser 1 (público), 2 (restrito) ou 3 (sigiloso)")
    elif nivel == 2 and item.get("hipoteseLegal") is None:
        problems.append(f"{where}.hipoteseLegal não pode ser nulo para nível de sigilo restrito")


def _check_especie(problems: list[str], where: str, especie: dict) -> None:
    if "codigo" in especie and especie["codigo"] is not None and not valid_especie(especie["codigo"]):
        problems.append(f"{where}.especie.codigo deve ser um código de espécie válido")
    if isinstance(especie.get("nomeNoProdutor"), str) and not especie["nomeNoProdutor"].strip():
        problems.append(f"{where}.especie.nomeNoProdutor não pode ser vazio")


def _check_processo(problems: list[str], where: str, processo: dict) -> None:
    _check_sigilo(problems, where, processo)
    ordens: set[int] = set()
    for i, doc in enumerate(_list(processo.get("documentos"))):
        doc = _dict(doc)
        at = f"{where}.documentos[{i}]"
        ordem = _int(doc.get("ordem"))
        if ordem is not None:
            if ordem in ordens:
                problems.append(f"{at}.ordem não pode se repetir no processo ({ordem})")
            ordens.add(ordem)
        _check_sigilo(problems, at, doc)
        _check_especie(problems, at, _dict(doc.get("especie")))
        numero = _dict(doc.get("identificacao")).get("numero")
        if isinstance(numero, str):  # a string here broke sending on the real platform (mod-sei-pen #797)
            problems.append(f"{at}.identificacao.numero deve ser um número inteiro")
        _check_componentes(problems, at, doc.get("componentesDigitais"))
    for i, apensado in enumerate(_list(processo.get("processoApensado"))):
        _check_processo(problems, f"{where}.processoApensado[{i}]", _dict(apensado))


def _merge(structural: list[str], semantic: list[str]) -> list[str]:
    """Every failing field once: structural problems first, then the platform's own rules."""
    seen = {p.split(" ", 1)[0] for p in structural}
    return structural + [p for p in semantic if p.split(" ", 1)[0] not in seen]


def parse_processo(body: Any) -> NovoTramiteDeProcesso:
    body = _dict(body)
    semantic: list[str] = []
    _check_processo(semantic, "processo", _dict(body.get("processo")))
    try:
        parsed = NovoTramiteDeProcesso.model_validate(body)
    except ValidationError as exc:
        raise validation_error(_merge(_pydantic_problems(exc), semantic)) from None
    if semantic:
        raise validation_error(semantic)
    if parsed.cabecalho.NRE is not None and not parsed.cabecalho.NRE.strip():
        parsed.cabecalho.NRE = None
    return parsed


def parse_documento(body: Any) -> NovoTramiteDeDocumento:
    body = _dict(body)
    doc = _dict(body.get("documento"))
    semantic: list[str] = []
    _check_sigilo(semantic, "documento", doc)
    _check_especie(semantic, "documento", _dict(doc.get("especie")))
    _check_componentes(semantic, "documento", doc.get("componentesDigitais"))
    try:
        parsed = NovoTramiteDeDocumento.model_validate(body)
    except ValidationError as exc:
        raise validation_error(_merge(_pydantic_problems(exc), semantic)) from None
    if semantic:
        raise validation_error(semantic)
    return parsed


# ---------------------------------------------------------------------------------------------- components


@dataclass(frozen=True)
class ComponentRef:
    """One distinct component of a trâmite: uploaded once per (protocolo, hash)."""

    protocolo: str
    hash: str
    tamanho: int
    nome: str
    mime_type: str
    documento_ordem: int
    componente_ordem: int


@dataclass
class ProtocolComponents:
    protocolo: str
    components: list[ComponentRef] = field(default_factory=list)


def components_of_processo(processo: Processo) -> list[ComponentRef]:
    out: list[ComponentRef] = []
    seen: set[tuple[str, str]] = set()

    def walk(p: Processo) -> None:
        for doc in p.documentos:
            for i, c in enumerate(doc.componentesDigitais):
                key = (p.protocolo, c.hash.conteudo)
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    ComponentRef(p.protocolo, c.hash.conteudo, c.tamanhoEmBytes, c.nome, c.mimeType,
                                 doc.ordem, c.ordem or i + 1)
                )  # fmt: skip
        for apensado in p.processoApensado:
            walk(apensado)

    walk(processo)
    return out


def components_of_documento(doc: DocumentoAvulso) -> list[ComponentRef]:
    out: list[ComponentRef] = []
    seen: set[str] = set()
    for i, c in enumerate(doc.componentesDigitais):
        if c.hash.conteudo in seen:
            continue
        seen.add(c.hash.conteudo)
        out.append(
            ComponentRef(
                doc.protocolo, c.hash.conteudo, c.tamanhoEmBytes, c.nome, c.mimeType, 1, c.ordem or i + 1
            )
        )
    return out


def document_hashes(processo: Processo) -> dict[int, list[str]]:
    """Per document ``ordem`` of the main process: its component hashes, for the 0047 immutability check."""
    return {doc.ordem: [c.hash.conteudo for c in doc.componentesDigitais] for doc in processo.documentos}
