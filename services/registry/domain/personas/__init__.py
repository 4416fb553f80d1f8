"""Personas: synthetic GOV.BR accounts used by the login and signature emulators.

A persona carries exactly what the real platform reveals about a citizen (reference acesso-govbr.md §3-§5):
identity and contacts for the id_token, the trust level and seals for the confiabilidades API and
`reliability_info`, the `amr` values of the login, and the companies for the empresas API. Validation is
strict and its messages are in Portuguese, because persona files are written by municipal teams.
Every persona is synthetic: CPFs and CNPJs have valid check digits but belong to nobody.

Modules: ``catalogue`` (levels, seals, amr), ``model`` (Persona), ``loading`` (files, defaults),
``generator``. Import from here.
"""

from __future__ import annotations

from .catalogue import (
    AMR_METHODS,
    AMR_PARENT,
    AMR_VALUES,
    BANK_AMR,
    LEVEL_IDS,
    LEVELS,
    RELIABILITY_LEVELS,
    SEAL_CATALOGUE,
    Atuacao,
    Nivel,
    Seal,
    SituacaoCpf,
    seals_of_level,
)
from .generator import GENERATED_PASSWORD, generate_personas
from .loading import (
    DEFAULT_FILE,
    PersonaFileError,
    PersonaIssue,
    default_personas,
    load_persona_file,
    personas_from_data,
    personas_from_text,
    validation_issues,
)
from .model import PALETTE, Empresa, Persona, Selo

__all__ = [
    "AMR_METHODS",
    "AMR_PARENT",
    "AMR_VALUES",
    "Atuacao",
    "BANK_AMR",
    "DEFAULT_FILE",
    "Empresa",
    "GENERATED_PASSWORD",
    "LEVELS",
    "LEVEL_IDS",
    "Nivel",
    "PALETTE",
    "Persona",
    "PersonaFileError",
    "PersonaIssue",
    "RELIABILITY_LEVELS",
    "SEAL_CATALOGUE",
    "Seal",
    "Selo",
    "SituacaoCpf",
    "default_personas",
    "generate_personas",
    "load_persona_file",
    "personas_from_data",
    "personas_from_text",
    "seals_of_level",
    "validation_issues",
]
