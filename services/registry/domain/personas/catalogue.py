"""What the real platform names: trust levels, the seal catalogue (reference acesso-govbr.md §4.3) and
the ``amr`` values (§3.4). Data only; the persona model checks against it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Nivel = Literal["bronze", "prata", "ouro"]
SituacaoCpf = Literal["regular", "cancelada", "falecido"]
Atuacao = Literal["SOCIO", "CONTADOR", "REPRESENTANTE_LEGAL", "NAO_ATUANTE"]

LEVELS: tuple[Nivel, ...] = ("bronze", "prata", "ouro")  # ascending trust
# §4.2: level ids of the REST "niveis" endpoint; §4.1: English names in `reliability_info.level`.
LEVEL_IDS: dict[Nivel, str] = {"bronze": "1", "prata": "2", "ouro": "3"}
RELIABILITY_LEVELS: dict[Nivel, str] = {"bronze": "bronze", "prata": "silver", "ouro": "gold"}


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
BANK_AMR = {
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
