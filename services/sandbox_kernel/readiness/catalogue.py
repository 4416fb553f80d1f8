"""Loading the rules catalogue: ``rules/<plataforma>.yaml``, validated strictly (a typo is an error)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import TypeAdapter

from .model import Rule

PLATFORMS = ("login", "assinatura", "tramita")


@lru_cache
def rules(platform: str | None = None) -> tuple[Rule, ...]:
    chosen = (platform,) if platform else PLATFORMS
    loaded: list[Rule] = []
    for name in chosen:
        text = resources.files(__package__).joinpath("rules", f"{name}.yaml").read_text(encoding="utf-8")
        loaded += TypeAdapter(list[Rule]).validate_python(yaml.safe_load(text))
    ids = [r.id for r in loaded]
    if len(ids) != len(set(ids)):
        raise ValueError(f"rule ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    return tuple(loaded)
