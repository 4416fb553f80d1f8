"""IBGE codes of the entes federados: UFs (2 digits) and municípios (7 digits).

A município code is ``UU`` (UF code) + 4 digits + 1 check digit. The check digit uses weights
1,2,1,2,1,2 on the first six digits, sums the *digits* of each product and takes
``(10 - soma % 10) % 10``. A handful of real municípios were created with a non-conforming digit;
they are listed in ``CHECK_DIGIT_EXCEPTIONS`` so that a real code is never refused.
"""

from __future__ import annotations

from dataclasses import dataclass


class InvalidIbgeCode(ValueError):
    """A code that is not a valid IBGE UF or município code (message in Portuguese)."""


@dataclass(frozen=True)
class UF:
    code: int  # IBGE UF code, e.g. 35
    sigla: str  # e.g. "SP"
    nome: str  # e.g. "São Paulo"
    preposicao: str  # "do", "da" or "de": PEN names use "Poder Executivo Estadual do/da/de [Estado]"

    @property
    def ibge(self) -> str:
        """The 2-digit code an ente of kind "estado" uses."""
        return f"{self.code:02d}"

    @property
    def nome_com_preposicao(self) -> str:
        """e.g. "de São Paulo", "do Rio de Janeiro", "da Bahia"."""
        return f"{self.preposicao} {self.nome}"


UFS: tuple[UF, ...] = (
    UF(11, "RO", "Rondônia", "de"),
    UF(12, "AC", "Acre", "do"),
    UF(13, "AM", "Amazonas", "do"),
    UF(14, "RR", "Roraima", "de"),
    UF(15, "PA", "Pará", "do"),
    UF(16, "AP", "Amapá", "do"),
    UF(17, "TO", "Tocantins", "do"),
    UF(21, "MA", "Maranhão", "do"),
    UF(22, "PI", "Piauí", "do"),
    UF(23, "CE", "Ceará", "do"),
    UF(24, "RN", "Rio Grande do Norte", "do"),
    UF(25, "PB", "Paraíba", "da"),
    UF(26, "PE", "Pernambuco", "de"),
    UF(27, "AL", "Alagoas", "de"),
    UF(28, "SE", "Sergipe", "de"),
    UF(29, "BA", "Bahia", "da"),
    UF(31, "MG", "Minas Gerais", "de"),
    UF(32, "ES", "Espírito Santo", "do"),
    UF(33, "RJ", "Rio de Janeiro", "do"),
    UF(35, "SP", "São Paulo", "de"),
    UF(41, "PR", "Paraná", "do"),
    UF(42, "SC", "Santa Catarina", "de"),
    UF(43, "RS", "Rio Grande do Sul", "do"),
    UF(50, "MS", "Mato Grosso do Sul", "de"),
    UF(51, "MT", "Mato Grosso", "de"),
    UF(52, "GO", "Goiás", "de"),
    UF(53, "DF", "Distrito Federal", "do"),
)

UF_BY_CODE: dict[int, UF] = {uf.code: uf for uf in UFS}
UF_BY_SIGLA: dict[str, UF] = {uf.sigla: uf for uf in UFS}

# Real municípios whose code does not follow the check-digit rule (the list NF-e validators also carry).
CHECK_DIGIT_EXCEPTIONS: frozenset[str] = frozenset(
    {
        "2201919",  # Bom Princípio do Piauí (PI)
        "2201988",  # Brejo do Piauí (PI)
        "2202251",  # Canavieira (PI)
        "2611533",  # Quixaba (PE)
        "3117836",  # Cônego Marinho (MG)
        "3152131",  # Ponto Chique (MG)
        "4305871",  # Coronel Barros (RS)
        "5203939",  # Buriti de Goiás (GO)
        "5203962",  # Buritinópolis (GO)
    }
)


def _is_digits(code: object, length: int) -> bool:
    # str.isdigit() accepts non-ASCII digits such as "²"; IBGE codes are ASCII only.
    return isinstance(code, str) and len(code) == length and code.isascii() and code.isdigit()


def municipio_check_digit(first6: str) -> int:
    """Check digit for the first six digits of a município code."""
    if not _is_digits(first6, 6):
        raise InvalidIbgeCode(f"esperados 6 dígitos para calcular o dígito verificador: {first6!r}")
    total = 0
    for position, char in enumerate(first6):
        product = int(char) * (1 if position % 2 == 0 else 2)
        total += product // 10 + product % 10  # sum of the product's digits
    return (10 - total % 10) % 10


def valid_estado_code(code: str) -> bool:
    """True for a 2-digit IBGE UF code ("35"), the code an ente of kind "estado" uses."""
    return _is_digits(code, 2) and int(code) in UF_BY_CODE


def valid_municipio_code(code: str) -> bool:
    """True for a 7-digit município code with a real UF prefix and a valid (or known-exception) check digit."""
    if not _is_digits(code, 7) or int(code[:2]) not in UF_BY_CODE:
        return False
    return code in CHECK_DIGIT_EXCEPTIONS or municipio_check_digit(code[:6]) == int(code[6])


def uf_of(code: str) -> UF:
    """The UF of a município code (7 digits) or of an estado code (2 digits)."""
    if valid_estado_code(code) or valid_municipio_code(code):
        return UF_BY_CODE[int(code[:2])]
    raise InvalidIbgeCode(
        f"código IBGE inválido: {code!r} (esperado: UF com 2 dígitos ou município com 7 dígitos)"
    )


def municipio_code(uf_code: int, base: int) -> str:
    """A valid 7-digit code in the given UF: UF code + ``base`` (0–9999, zero-padded) + check digit.

    Used to generate lab entes; the result may coincide with a real município, which is harmless.
    """
    if uf_code not in UF_BY_CODE:
        raise InvalidIbgeCode(f"código de UF desconhecido: {uf_code!r}")
    if not 0 <= base <= 9999:
        raise InvalidIbgeCode(f"a base do código do município deve estar entre 0 e 9999: {base!r}")
    first6 = f"{uf_code:02d}{base:04d}"
    return f"{first6}{municipio_check_digit(first6)}"
