"""Persona files (YAML or JSON) and the shipped defaults: strict parsing, every problem named by file,
entry and field, in Portuguese, because persona files are written by municipal teams.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from sandbox_kernel.validation import field_path, message_of

from .model import Persona

DEFAULT_FILE = "personas_default.yaml"  # in registry/domain/, where README and info point


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
    return [PersonaIssue(entry, label, field_path(e["loc"]), message_of(e)) for e in exc.errors()]


def default_personas() -> list[Persona]:
    """The personas shipped with the sandbox (global: `ente` is None)."""
    text = resources.files("registry.domain").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
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
