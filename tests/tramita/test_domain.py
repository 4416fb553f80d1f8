"""The pure core: the §3.2 transition table exactly, receipts, NRE and byte ranges."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from sandbox_kernel.pki import issue
from tramita_mock.domain import ranges, receipts
from tramita_mock.domain.nre import make_nre, valid_nre
from tramita_mock.domain.states import Gatilho, Situacao, TransicaoInvalida, can, next_state

# reference §3.2, written out independently of the implementation
EXPECTED = {
    Gatilho.ENVIO_METADADOS: ({0}, 1),
    Gatilho.COMPONENTES_ENVIADOS: ({1}, 2),
    Gatilho.METADADOS_LIDOS: ({2}, 3),
    Gatilho.COMPONENTES_BAIXADOS: ({3}, 4),
    Gatilho.RECIBO_ENVIADO: ({4}, 5),
    Gatilho.RECIBO_OBTIDO: ({5}, 6),
    Gatilho.CANCELAMENTO: ({1, 2, 3, 4}, 7),
    Gatilho.RECUSA: ({3, 4}, 8),
    Gatilho.CIENCIA: ({8}, 9),
    Gatilho.EXPIRACAO: ({1, 2, 3, 4}, 10),
}


@pytest.mark.parametrize("gatilho", list(Gatilho))
def test_every_transition_of_section_3_2_and_no_other(gatilho):
    sources, target = EXPECTED[gatilho]
    for state in Situacao:
        if int(state) in sources:
            assert can(int(state), gatilho) and next_state(int(state), gatilho) == target
        else:
            assert not can(int(state), gatilho)
            with pytest.raises(TransicaoInvalida):
                next_state(int(state), gatilho)


def test_recibo_text_sorts_hashes_and_verifies():
    text = receipts.recibo_text(5235, "0000004385642018", "2018-01-02T03:04:05.000Z", ["b==", "a=="])
    assert text == (
        "<recibo><IDT>5235</IDT><NRE>0000004385642018</NRE><dataDeRecebimento>2018-01-02T03:04:05.000Z"
        "</dataDeRecebimento><hashDoComponenteDigital>a==</hashDoComponenteDigital>"
        "<hashDoComponenteDigital>b==</hashDoComponenteDigital></recibo>"
    )
    signer = issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SPE")]), None)
    signature = receipts.sign(text, signer.key)
    assert receipts.verify([text], signature, signer.certificate) == text
    with pytest.raises(receipts.ReciboInvalido):
        receipts.verify([text.replace("5235", "5236")], signature, signer.certificate)
    with pytest.raises(receipts.ReciboInvalido, match="Base64"):
        receipts.verify([text], "***", signer.certificate)
    assert base64.b64decode(signature)


def test_nre_and_ranges():
    nre = make_nre(1_107_696, 2026)
    assert nre == "0000011076962026" and valid_nre(nre) and not valid_nre("123")
    assert (
        ranges.parse_range("0-1") == (0, 1)
        and ranges.parse_range("5-5") is None
        and ranges.parse_range("a-2") is None
    )
    merged = ranges.merge(ranges.merge([], (50, 100)), (0, 50))
    assert merged == [[0, 100]] and ranges.covers(merged, 100) and not ranges.covers(merged, 101)
    assert ranges.gaps([[10, 20]], 30) == [(0, 10), (20, 30)]
