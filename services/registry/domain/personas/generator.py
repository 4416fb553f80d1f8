"""Deterministic generator of varied synthetic personas (same seed and ente, same people)."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sandbox_kernel.documents import (
    generate_cnpj,
    generate_cpf,
)

from .catalogue import AMR_METHODS, BANK_AMR, SEAL_CATALOGUE, Atuacao, Nivel, SituacaoCpf, seals_of_level
from .model import PALETTE, Persona

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
        "avatar_cor": rng.choice(PALETTE),
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
    bank_seals = [s for s in seal_ids if s in BANK_AMR]
    roll = rng.random()
    if "801" in seal_ids and roll < 0.5:
        amr = ["x509", rng.choice(AMR_METHODS["x509"])]
    elif bank_seals and roll < 0.4:
        amr = ["bank", BANK_AMR[bank_seals[0]]]
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
