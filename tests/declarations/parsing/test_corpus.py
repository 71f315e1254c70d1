"""Our own corpus: texts written for these tests with the traits real RCM documents show (issue #15).

Each text is in ``corpus/``; the table says what every field must be. One line per trait is in the
file name: one-line pages, lead-ins without "agree" or ending mid-line, "We …" paragraphs, headings
in normal case, narrative after the actions, empty lists, collective signatories, titles without a
declaration word or lost in page clutter, places on the line above the date or in two cities,
posting dates and press datelines.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest

from declarations.country_names import MEMBER_COUNTRIES
from declarations.parser import parse_declaration, text_blocks
from tests.declarations.parsing.test_parser import assert_commitments_are_anchored

CORPUS = Path(__file__).resolve().parent / "corpus"
ALL = " ".join(country.iso3 for country in MEMBER_COUNTRIES)


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    kind: str
    adopted_on: str | None
    place: str | None
    language: str
    signatories: str  # ISO3 codes in text order, or "ALL"
    actions: list[str]  # the first four words of each action, in order
    problems: list[str]


CASES = [
    Case(
        "en01_one_line_numbered.txt",
        title="Declaration of Managua",
        kind="declaration",
        adopted_on="2016-06-21",
        place="Managua",
        language="en",
        signatories="BLZ CAN CRI SLV GTM HND MEX NIC PAN",
        actions=["To recognize the work", "To request the Technical", "To instruct the Regional"],
        problems=[],
    ),
    Case(
        "en05_we_paragraphs.txt",
        title="Joint Statement on Labour Migration",
        kind="joint_statement",
        adopted_on="2019-11-07",
        place="Ottawa",
        language="en",
        signatories="BLZ CAN GTM MEX USA",
        actions=["We recognize the need", "We commit to share,", "We encourage the Technical"],
        problems=[],
    ),
    Case(
        "en06_heading_numbered.txt",
        title="Declaration of Punta Cana",
        kind="declaration",
        adopted_on="2017-06-28",
        place="Punta Cana",
        language="en",
        signatories="CRI DOM SLV GTM HND PAN",
        actions=["Adopt the regional guidelines", "Ask the Technical Secretariat", "Hold a workshop on"],
        problems=[],
    ),
    Case(
        "en08_narrative_after.txt",
        title="Declaration of Belmopan",
        kind="declaration",
        adopted_on="2020-03-03",
        place="Belmopan",
        language="en",
        signatories="BLZ GTM HND MEX USA",
        actions=["To establish a working", "To request IOM to"],
        problems=[],
    ),
    Case(
        "en09_empty_list.txt",
        title="XII Vice-Ministerial Meeting of the Regional Conference on Migration",
        kind="other",
        adopted_on="2007-06-07",
        place="Panama City",
        language="en",
        signatories="CAN MEX NIC PAN",
        actions=["To hold the next", "To ask the Technical"],
        problems=[],
    ),
    Case(
        "en10_only_empty_lists.txt",
        title="Declaration of the XIII Regional Conference on Migration",
        kind="declaration",
        adopted_on="2008-04-23",
        place="New Orleans",
        language="en",
        signatories="BLZ CAN MEX",
        actions=[],
        problems=["no_actions"],
    ),
    Case(
        "en11_collective.txt",
        title="Special Declaration on Migrant Children",
        kind="special_declaration",
        adopted_on="2017-06-27",
        place="Punta Cana",
        language="en",
        signatories="ALL",
        actions=["To guarantee the best", "To exchange information on"],
        problems=["collective_signatories"],
    ),
    Case(
        "en12_rcgm_conclusions.txt",
        title="Conclusions of the Regional Consultation Group on Migration",
        kind="other",
        adopted_on="2009-11-13",
        place="San José",
        language="en",
        signatories="BLZ CRI SLV GTM HND MEX NIC",
        actions=["To update the directory", "To prepare a proposal"],
        problems=[],
    ),
    Case(
        "en13_clutter.txt",
        title="Declaration of Guatemala City",
        kind="declaration",
        adopted_on="2021-11-15",
        place="Guatemala City",
        language="en",
        signatories="BLZ CRI SLV GTM HND MEX PAN",
        actions=["Strengthen cooperation to combat", "Share best practices on"],
        problems=[],
    ),
    Case(
        "en14_no_title_line.txt",
        title="Sixth Regional Conference on Migration",
        kind="other",
        adopted_on="2001-05-17",
        place="Ottawa",
        language="en",
        signatories="BLZ CAN CRI MEX USA",
        actions=["To continue the exchange", "To support the work"],
        problems=[],
    ),
    Case(
        "en16_two_cities.txt",
        title="Declaration of Chiapas",
        kind="declaration",
        adopted_on="2015-03-04",
        place="Tapachula and Tuxtla Gutiérrez",
        language="en",
        signatories="SLV GTM HND MEX",
        actions=["To open a regional", "To train border officials"],
        problems=[],
    ),
    Case(
        "en18_press_release.txt",
        title="Communiqué of the XXIV Vice-Ministerial Meeting",
        kind="other",
        adopted_on="2019-06-07",
        place="Guatemala City",
        language="en",
        signatories="CAN CRI GTM MEX USA",
        actions=["To renew the regional", "To publish a yearly"],
        problems=[],
    ),
    Case(
        "en21_wrapped_bullets_city_above.txt",
        title="Declaration of Tegucigalpa",
        kind="declaration",
        adopted_on="2015-03-04",
        place="Tegucigalpa",
        language="en",
        signatories="BLZ CAN CRI SLV GTM HND MEX NIC PAN USA",
        actions=["Strengthen the protection of", "Develop a regional protocol"],
        problems=[],
    ),
    Case(
        "es02_one_line_numbered.txt",
        title="Declaración de San Salvador",
        kind="declaration",
        adopted_on="2005-05-04",
        place="San Salvador",
        language="es",
        signatories="BLZ CRI SLV GTM HND MEX",
        actions=["Reconocer el trabajo de", "Solicitar a la Secretaría", "Encargar al Grupo Regional"],
        problems=[],
    ),
    Case(
        "es03_inline_lead_in.txt",
        title="Declaración de Panamá",
        kind="declaration",
        adopted_on="2013-11-20",
        place="Ciudad de Panamá",
        language="es",
        signatories="BLZ CAN CRI GTM PAN DOM",
        actions=["Fortalecer los mecanismos de", "Promover el intercambio de", "Impulsar programas de capacitación"],
        problems=[],
    ),
    Case(
        "es04_subject_lead_in.txt",
        title="Comunicado Conjunto de la XIX Reunión Viceministerial",
        kind="joint_statement",
        adopted_on="2014-06-25",
        place="Tegucigalpa",
        language="es",
        signatories="BLZ CAN CRI SLV GTM HND MEX NIC PAN DOM USA",
        actions=["Analizaron la situación de", "Aprobaron el plan de", "Encomendaron al Grupo Regional"],
        problems=[],
    ),
    Case(
        "es07_heading_unnumbered.txt",
        title="Declaración de Antigua Guatemala",
        kind="declaration",
        adopted_on="2009-06-18",
        place="Antigua Guatemala",
        language="es",
        signatories="BLZ SLV GTM HND NIC PAN",
        actions=["Fortalecer la coordinación entre", "Elaborar un directorio regional"],
        problems=[],
    ),
    Case(
        "es15_ciudad_de_guatemala.txt",
        title="XVI Conferencia Regional sobre Migración",
        kind="other",
        adopted_on="2011-06-15",
        place="Ciudad de Guatemala",
        language="es",
        signatories="BLZ CAN CRI SLV GTM HND MEX NIC PAN DOM USA",
        actions=["Aprobar el plan de", "Solicitar a la Secretaría"],
        problems=[],
    ),
    Case(
        "es17_posting_date.txt",
        title="Declaración de Roatán",
        kind="declaration",
        adopted_on="2015-06-26",
        place="Roatán",
        language="es",
        signatories="BLZ GTM HND MEX NIC",
        actions=["Crear una mesa técnica", "Invitar a los organismos"],
        problems=[],
    ),
    Case(
        "es19_we_paragraphs.txt",
        title="Declaración de Santo Domingo",
        kind="declaration",
        adopted_on="2018-05-09",
        place="Santo Domingo",
        language="es",
        signatories="CRI NIC PAN DOM",
        actions=[
            "Reconocemos la contribución de",
            "Nos comprometemos a simplificar",
            "Acordamos revisar anualmente los",
        ],
        problems=[],
    ),
    Case(
        "es20_collective_one_line.txt",
        title="Declaración Especial sobre Migración y Salud",
        kind="special_declaration",
        adopted_on="2020-11-25",
        place="Ciudad de Panamá",
        language="es",
        signatories="ALL",
        actions=["Garantizar el acceso de", "Incluir a las personas", "Compartir información sobre las"],
        problems=["collective_signatories"],
    ),
    Case(
        "es22_narrative_end.txt",
        title="Declaración de San José",
        kind="declaration",
        adopted_on="2009-11-13",
        place="San José",
        language="es",
        signatories="BLZ CRI GTM PAN",
        actions=["Establecer una red regional", "Solicitar a la Secretaría"],
        problems=[],
    ),
    Case(
        "es23_subject_lead_in_mid_line.txt",
        title="Comunicado de la Reunión Viceministerial de Flores",
        kind="other",
        adopted_on="2012-05-03",
        place="Flores",
        language="es",
        signatories="BLZ GTM MEX",
        actions=["Analizaron la situación de", "Aprobaron un plan de"],
        problems=[],
    ),
    Case(
        "en24_one_line_unnumbered.txt",
        title="Declaration of Tela",
        kind="declaration",
        adopted_on="2010-04-09",
        place="Tela",
        language="en",
        signatories="HND GTM SLV",
        actions=["Strengthen the coordination of", "Promote the exchange of", "Develop joint training for"],
        problems=[],
    ),
    Case(
        "en25_clutter_and_posting_date.txt",
        title="Declaration of Managua",
        kind="declaration",
        adopted_on="2015-06-26",
        place="Managua",
        language="en",
        signatories="NIC CRI PAN",
        actions=["To hold a regional", "To update the contact"],
        problems=[],
    ),
    Case(
        "es26_one_line_rcgm_conclusions.txt",
        title="Conclusiones de la Reunión del Grupo Regional de Consulta sobre Migración",
        kind="other",
        adopted_on="2022-11-14",
        place="Santo Domingo",
        language="es",
        signatories="BLZ CRI SLV GTM HND",
        actions=["Elaborar una guía regional", "Revisar el mandato de", "Presentar a los Viceministros"],
        problems=[],
    ),
    Case(
        "es27_clutter_city_above_dates.txt",
        title="Declaración de la Ciudad de México",
        kind="declaration",
        adopted_on="2021-11-10",
        place="Ciudad de México",
        language="es",
        signatories="CAN USA MEX GTM HND",
        actions=["Impulsar vías regulares de", "Fortalecer la protección internacional."],
        problems=[],
    ),
]


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 20
    assert {case.language for case in CASES} == {"en", "es"}
    assert sorted(path.name for path in CORPUS.glob("*.txt")) == sorted(case.name for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_field_of_every_corpus_text(case: Case):
    text = (CORPUS / case.name).read_text(encoding="utf-8")
    declaration = parse_declaration(text)

    assert declaration.title == case.title
    assert declaration.kind == case.kind
    assert declaration.adopted_on == (datetime.date.fromisoformat(case.adopted_on) if case.adopted_on else None)
    assert declaration.place == case.place
    assert declaration.language == case.language
    assert " ".join(declaration.signatories) == (ALL if case.signatories == "ALL" else case.signatories)
    assert [" ".join(c.text.split()[:4]) for c in declaration.commitments] == case.actions
    assert [problem.code for problem in declaration.problems] == case.problems
    assert_commitments_are_anchored(text, declaration)
    assert declaration.found["commitments"] == bool(case.actions)
    assert declaration.found["adopted_on"] == bool(case.adopted_on)
    assert declaration.found["place"] == bool(case.place)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_evidence_points_into_the_text(case: Case):
    text = (CORPUS / case.name).read_text(encoding="utf-8")
    declaration = parse_declaration(text)
    for name, evidence in declaration.evidence.items():
        if evidence.start is not None and evidence.end is not None:
            assert 0 <= evidence.start < evidence.end <= len(text), name
    place = declaration.evidence["place"]
    if place.start is not None and place.end is not None and declaration.place:
        assert text[place.start : place.end] == declaration.place


def test_other_dates_and_places_are_offered_as_alternatives():
    declaration = parse_declaration((CORPUS / "es17_posting_date.txt").read_text(encoding="utf-8"))
    assert declaration.alternatives("adopted_on") == ("2015-08-12",)
    press = parse_declaration((CORPUS / "en18_press_release.txt").read_text(encoding="utf-8"))
    assert press.adopted_on == datetime.date(2019, 6, 7)
    assert "2019-06-10" in press.alternatives("adopted_on")


def test_a_collective_phrase_is_the_signatories_evidence():
    declaration = parse_declaration((CORPUS / "en11_collective.txt").read_text(encoding="utf-8"))
    assert declaration.alternatives("signatories") == ("The governments of the member countries of the Conference",)
    assert str(declaration.problems[0]) == (
        "the signatories are named only as “The governments of the member countries of the Conference”: "
        "every Member Country is assumed; check them"
    )


def test_text_blocks_cut_every_paragraph_and_item_once():
    text = (CORPUS / "en08_narrative_after.txt").read_text(encoding="utf-8")
    blocks = text_blocks(text)
    assert [block.text[:20] for block in blocks] == [
        "DECLARATION OF BELMO",
        "Belmopan, Belize, Ma",
        "The Vice-Ministers o",
        "To establish a worki",
        "To request IOM to su",
        "They noted with inte",
        "The Vice-Ministers w",
        "Finally, they thanke",
    ]
    for block in blocks:
        assert " ".join(text[block.start : block.end].split()) == block.text


def test_text_blocks_of_a_one_line_page_are_its_sentences_and_items():
    text = (CORPUS / "es02_one_line_numbered.txt").read_text(encoding="utf-8")
    blocks = [block.text[:14] for block in text_blocks(text)]
    assert blocks[:2] == ["DECLARACIÓN DE", "Los Viceminist"]
    assert "1. Reconocer e" in blocks and "3. Encargar al" in blocks
