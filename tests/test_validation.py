"""The kernel's one set of Portuguese validation messages and its one CPF/CNPJ module."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sandbox_kernel.documents import format_cnpj, format_cpf, format_cpf_sub
from sandbox_kernel.validation import field_errors, field_path


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nome: str = Field(min_length=2)
    idade: int = Field(ge=0, le=150)
    ativo: bool = True
    tipo: Literal["a", "b"] = "a"
    itens: list[_Item] = Field(default_factory=list, min_length=0)

    @model_validator(mode="after")
    def _rule(self):
        if self.nome == "proibido":
            raise ValueError("nome: este nome é reservado")
        return self


def _errors(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        _Doc.model_validate(data)
    return {f["campo"]: f["mensagem"] for f in field_errors(caught.value.errors())}


def test_each_pydantic_error_reads_in_portuguese_with_the_field_path():
    errors = _errors(
        {"nome": "x", "idade": 200, "ativo": "talvez", "tipo": "c", "itens": [{"id": 1}], "extra": 1}
    )
    assert errors == {
        "nome": "deve ter ao menos 2 caractere(s)",
        "idade": "deve ser menor ou igual a 150",
        "ativo": "deve ser true ou false",
        "tipo": "valor 'c' não permitido; use 'a' ou 'b'",
        "itens[0].id": "deve ser um texto",
        "extra": "campo desconhecido",
    }
    assert _errors({}) == {"nome": "campo obrigatório", "idade": "campo obrigatório"}


def test_a_whole_object_rule_names_its_field():
    assert _errors({"nome": "proibido", "idade": 1}) == {"nome": "este nome é reservado"}


def test_request_sources_are_not_part_of_the_field_path():
    assert field_path(("body", "selos", 0, "id")) == "selos[0].id"
    assert field_path(("query", "ente")) == "ente"
    assert field_path(()) is None


def test_cpf_and_cnpj_formats():
    assert format_cpf("12345678909") == "123.456.789-09"
    assert format_cpf_sub("123.456.789-09") == "123456789-09"
    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
    with pytest.raises(ValueError):
        format_cpf_sub("123")
