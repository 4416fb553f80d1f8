"""JUnit XML of a readiness report, for CI dashboards: one test case per rule, failures for red rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Outcome, Report


def junit_xml(report: Report) -> bytes:
    cases = report.achados
    failures = [f for f in cases if f.resultado is Outcome.FALHA]
    skipped = [f for f in cases if f.resultado in (Outcome.NAO_AVALIADA, Outcome.AUTOAVALIACAO)]
    suite = ET.Element(
        "testsuite",
        name=f"prontidao-{report.ente}",
        tests=str(len(cases)),
        failures=str(len(failures)),
        skipped=str(len(skipped)),
        timestamp=report.gerado_em.isoformat(),
    )
    for f in cases:
        case = ET.SubElement(
            suite, "testcase", classname=f"prontidao.{f.plataforma}", name=f"{f.regra} {f.titulo}"
        )
        detail = f"{f.explicacao}\nReferência: {f.referencia}\n"
        if f.correcao:
            detail += f"Como corrigir: {f.correcao}\n"
        detail += "".join(f"Evidência: {e.type} {e.id} {e.time} {e.detalhe}\n" for e in f.evidencias)
        if f.resultado is Outcome.FALHA:
            ET.SubElement(case, "failure", message=f.explicacao, type=f.severidade.value).text = detail
        elif f.resultado is not Outcome.PASSA:
            ET.SubElement(case, "skipped", message=f"{f.resultado.value}: {f.explicacao}")
        else:
            ET.SubElement(case, "system-out").text = detail
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="utf-8", xml_declaration=True)
