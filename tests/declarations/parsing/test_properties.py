"""Property tests of the declaration parser (hypothesis).

1. Any text at all: a ParsedDeclaration that keeps its invariants, or a ParseError — nothing else.
2. Realistic generated declarations (English or Spanish, every list style, wrapped or not, CRLF,
   page breaks, optional date and place): the parser recovers exactly what was generated.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from declarations.country_names import MEMBER_COUNTRIES
from declarations.parser import KINDS, ParsedDeclaration, ParseError, parse_declaration

TEXTS = Path(__file__).resolve().parent / "texts"
MEMBER_CODES = frozenset(country.iso3 for country in MEMBER_COUNTRIES)
KNOWN_ERRORS = {"empty"}  # the only ParseError: nothing to read at all


def check_invariants(text: str, declaration: ParsedDeclaration) -> None:
    assert declaration.title.strip()
    assert declaration.kind in KINDS
    assert declaration.language in {"en", "es"}
    problems = {problem.code for problem in declaration.problems}
    assert bool(declaration.signatories) != ("no_signatories" in problems)
    assert bool(declaration.commitments) != ("no_actions" in problems)
    assert declaration.found["signatories"] == bool(declaration.signatories)
    assert declaration.found["commitments"] == bool(declaration.commitments)
    assert len(set(declaration.signatories)) == len(declaration.signatories)
    assert set(declaration.signatories) <= MEMBER_CODES
    previous_end = 0
    for number, commitment in enumerate(declaration.commitments, 1):
        assert commitment.number == number
        assert commitment.text and commitment.text == " ".join(commitment.text.split())
        assert previous_end <= commitment.start < commitment.end <= len(text)
        previous_end = commitment.end
    payload = declaration.as_dict()
    assert set(payload) == {"title", "adopted_on", "place", "language", "signatories", "commitments"}


# --------------------------------------------------------------------------------------------
# 1. Arbitrary text
# --------------------------------------------------------------------------------------------

# Fragments that push the parser into its less travelled paths when shuffled together.
FRAGMENTS = [
    *(TEXTS / "darien.txt").read_text(encoding="utf-8").splitlines()[:40],
    *(TEXTS / "san_jose_es.txt").read_text(encoding="utf-8").splitlines(),
    "- ",
    "1.",
    "(iv)",
    "a)",
    "•",
    "ACORDARON:",
    "CONCLUSIONS",
    "agreed to:",
    "Done in Tegucigalpa, Honduras, on June 24-25, 2014.",
    "Ciudad de Panamá, 25 de marzo del 2022",
    "a los 31 días del mes de febrero del año 2001",
    "the United Statesgathered in",
    "Panama City",
    "Panama's proposal",
    "[bookmark: _GoBack]",
    '"DARIEN DECLARATION"',
    "\f",
    "\u00a0",
    "\u200b",
    "\t",
    "",
]
separators = st.sampled_from(["\n", "\r\n", "\r", " ", "\n\n", "\n\n\n\n\n", "\t", ""])


@st.composite
def shuffled_fragments(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40))
    return "".join(piece + draw(separators) for piece in pieces)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=st.characters(exclude_categories=())), shuffled_fragments()))
def test_any_text_gives_a_declaration_or_a_parse_error(text):
    try:
        outcome: ParsedDeclaration | str = parse_declaration(text)
    except ParseError as error:
        outcome = error.code
    if isinstance(outcome, str):
        assert outcome in KNOWN_ERRORS  # never the parser's own "unexpected error"
    else:
        check_invariants(text, outcome)


# --------------------------------------------------------------------------------------------
# 2. Realistic declarations
# --------------------------------------------------------------------------------------------

SPELLINGS = {
    "BLZ": ["Belize", "Belice", "BELIZE"],
    "CAN": ["Canada", "Canadá"],
    "CRI": ["Costa Rica", "la República de Costa Rica"],
    "DOM": ["the Dominican Republic", "Dominican Republic", "la República Dominicana", "República Dominicana"],
    "SLV": ["El Salvador", "the Republic of El Salvador"],
    "GTM": ["Guatemala"],
    "HND": ["Honduras", "la República de Honduras"],
    "MEX": ["Mexico", "México", "Méjico", "the United Mexican States", "los Estados Unidos Mexicanos"],
    "NIC": ["Nicaragua"],
    "PAN": ["Panama", "Panamá"],
    "USA": [
        "the United States",
        "United States of America",
        "the United States of America",
        "USA",
        "Estados Unidos",
        "los Estados Unidos de América",
        "EE.UU.",
    ],
}
CITIES = {
    "en": [("Tegucigalpa", "Honduras"), ("San José", "Costa Rica"), ("Panama City", "Panama"), ("Ottawa", "Canada")],
    "es": [
        ("Tegucigalpa", "Honduras"),
        ("Ciudad de Panamá", "Panamá"),
        ("Ciudad de Guatemala", "Guatemala"),
        ("Santo Domingo", "República Dominicana"),
        ("Managua", "Nicaragua"),
    ],
}
# fmt: off
MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ],
    "es": [
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
        "noviembre", "diciembre",
    ],
}
# fmt: on
HEADINGS = [
    ("DECLARATION OF TEGUCIGALPA", "Declaration of Tegucigalpa"),
    ("SPECIAL DECLARATION OF THE RCM ON MIGRANT CHILDREN", "Special Declaration of the RCM on Migrant Children"),
    ("EXTRAORDINARY DECLARATION OF SAN JOSÉ, COSTA RICA", "Extraordinary Declaration of San José, Costa Rica"),
    ("Joint Statement on Labour Mobility", "Joint Statement on Labour Mobility"),
    ("DECLARACIÓN DE LA CIUDAD DE GUATEMALA", "Declaración de la Ciudad de Guatemala"),
    ("DECLARACIÓN ESPECIAL SOBRE MIGRACIÓN Y COVID-19", "Declaración Especial sobre Migración y COVID-19"),
]
SUBJECT = {
    "en": "The Vice-Ministers and Heads of Delegation of the Member Countries of the Regional Conference "
    "on Migration (RCM),",
    "es": "Los Viceministros y Jefes de Delegación de los Países Miembros de la Conferencia Regional "
    "sobre Migración (CRM),",
}
INTRODUCTIONS = {
    "en": [
        (" agreed on the following actions:", ""),
        (" agreed to:", ""),
        (" adopted the following declaration:", ""),
        (".", "They agreed:"),
        (".", "CONCLUSIONS"),
        (".", "RECOMMENDED ACTIONS:"),
        (",", ""),
    ],
    "es": [
        (" acordaron las siguientes acciones:", ""),
        (",", "ACORDARON:"),
        (".", "ACUERDAN:"),
        (" adoptaron la siguiente declaración:", ""),
    ],
}
PREAMBLES = {
    "en": [
        "Recognizing that migration is a shared responsibility of countries of origin, transit and destination;",
        "Reaffirming the principles of the RCM Charter and the importance of international cooperation;",
    ],
    "es": [
        "Reconociendo que la migración es una responsabilidad compartida de los países de origen y destino;",
        "Considerando la importancia de la cooperación internacional en materia migratoria;",
    ],
}
CLOSINGS = {
    "en": ["Thanking the host country for its hospitality.", "The RCM remains committed to regional dialogue."],
    "es": ["Agradeciendo al país anfitrión por su hospitalidad.", "La CRM reafirma su compromiso con el diálogo."],
}
# Words of the generated actions. None is a country, a month, a marker or a preamble verb.
VERBS = {
    "en": ["Strengthen", "Promote", "Coordinating", "Develop", "Share", "Increase", "Support", "Establish"],
    "es": ["Fortalecer", "Promover", "Coordinar", "Desarrollar", "Compartir", "Impulsar", "Apoyar", "Establecer"],
}
# fmt: off
WORDS = {
    "en": [
        "the", "consular", "protection", "networks", "of", "origin", "transit", "and", "destination", "with",
        "regional", "cooperation", "in", "for", "returned", "migrants", "children", "women", "border", "management",
        "statistics", "labour", "mobility", "campaigns", "on", "risks", "irregular", "routes", "IOM", "UNHCR",
        "SICA", "Member", "Countries", "Technical", "Secretariat", "civil", "society", "organizations", "as",
        "appropriate", "every", "semester", "humanitarian", "assistance", "extra-regional", "flows",
    ],
    "es": [
        "las", "redes", "de", "protección", "consular", "en", "los", "países", "origen", "tránsito", "y", "destino",
        "con", "la", "cooperación", "regional", "para", "personas", "migrantes", "retornadas", "niñez", "mujeres",
        "gestión", "fronteriza", "estadísticas", "movilidad", "laboral", "campañas", "sobre", "riesgos", "rutas",
        "irregulares", "OIM", "ACNUR", "SICA", "Países", "Miembros", "Secretaría", "Técnica", "sociedad", "civil",
        "según", "corresponda", "cada", "semestre", "asistencia", "humanitaria",
    ],
}
# fmt: on
BULLETS = ["- ", "• ", "* ", "– ", "▪ "]
NUMBERS = ["{n}. ", "{n}) ", "({n}) ", "{n}.- "]
LETTERS = ["{a}) ", "({a}) "]
SPACES = [" ", " ", " ", " ", "\u00a0", "\u202f"]


@dataclass(frozen=True)
class Generated:
    text: str
    signatories: tuple[str, ...]
    commitments: tuple[str, ...]
    language: str
    adopted_on: datetime.date | None
    place: str | None
    title: str


@st.composite
def sentence(draw: st.DrawFn, language: str) -> str:
    words = [draw(st.sampled_from(VERBS[language]))]
    words += draw(st.lists(st.sampled_from(WORDS[language]), min_size=2, max_size=30))
    if draw(st.booleans()):  # a second sentence inside the same action
        words[-1] += "."
        words += [draw(st.sampled_from(VERBS[language])).capitalize()]
        words += draw(st.lists(st.sampled_from(WORDS[language]), min_size=1, max_size=12))
    for index in draw(st.sets(st.integers(1, len(words) - 2), max_size=3)) if len(words) > 3 else ():
        words[index] += ","
    spaces = draw(st.lists(st.sampled_from(SPACES), min_size=len(words) - 1, max_size=len(words) - 1))
    text = words[0] + "".join(space + word for space, word in zip(spaces, words[1:], strict=True))
    return text.rstrip(",") + draw(st.sampled_from([".", ";", "."]))


def formatted_date(draw: st.DrawFn, language: str, date: datetime.date) -> str:
    month = MONTHS[language][date.month - 1]
    ranged = date.day > 1 and draw(st.booleans())
    if language == "en":
        days = f"{date.day - 1}-{date.day}" if ranged else str(date.day)
        return draw(st.sampled_from([f"{month} {days}, {date.year}", f"{days} {month} {date.year}"]))
    if ranged:
        return f"los días {date.day - 1} y {date.day} de {month} de {date.year}"
    return draw(st.sampled_from([f"{date.day} de {month} de {date.year}", f"{date.day} de {month} del {date.year}"]))


def enumeration(names: list[str], language: str) -> str:
    if len(names) == 1:
        return names[0]
    conjunction = " and " if language == "en" else " y "
    return ", ".join(names[:-1]) + conjunction + names[-1]


def wrap(text: str, width: int | None, first: str, rest: str) -> list[str]:
    if width is None:
        return [first + text]
    return textwrap.wrap(
        text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    ) or [first]


@st.composite
def declarations(draw: st.DrawFn) -> Generated:
    language = draw(st.sampled_from(["en", "es"]))
    width = draw(st.one_of(st.none(), st.integers(45, 100)))
    heading, title = draw(st.sampled_from(HEADINGS))
    chosen = draw(st.permutations(sorted(SPELLINGS)))[: draw(st.integers(1, 11))]
    names = [draw(st.sampled_from(SPELLINGS[code])) for code in chosen]
    city, country = draw(st.sampled_from(CITIES[language]))
    date = draw(st.dates(datetime.date(1996, 1, 1), datetime.date(2030, 12, 31)))
    date_style = draw(st.sampled_from(["none", "dateline", "meeting", "closing", "place-only"]))

    paragraphs: list[list[str]] = [[heading]]
    if date_style == "dateline":
        paragraphs.append([f"{city}, {formatted_date(draw, language, date)}"])
    for preamble in draw(st.lists(st.sampled_from(PREAMBLES[language]), max_size=2)):
        paragraphs.append(wrap(preamble, width, "", ""))
    meeting = ""
    if date_style == "meeting":
        written = formatted_date(draw, language, date)
        on = "on " if language == "en" else ("" if written.startswith("los") else "el ")
        meeting = f", {'meeting in' if language == 'en' else 'reunidos en'} {city}, {country}, {on}{written}"
    elif date_style == "place-only":
        meeting = f", {'meeting in' if language == 'en' else 'reunidos en'} {city}"
    ending, heading_intro = draw(st.sampled_from(INTRODUCTIONS[language]))
    paragraphs.append(wrap(f"{SUBJECT[language]} {enumeration(names, language)}{meeting}{ending}", width, "", ""))
    if heading_intro:
        paragraphs.append([heading_intro])

    # The actions.
    count = draw(st.integers(1, 12))
    style = draw(st.sampled_from(["bullet", "number", "letter"]))
    marker_template = draw(st.sampled_from({"bullet": BULLETS, "number": NUMBERS, "letter": LETTERS}[style]))
    first_number = draw(st.integers(1, 3)) if style == "number" else 1
    lead = draw(st.sampled_from(["", "", "  ", "\t"]))
    hanging = draw(st.sampled_from(["", "   ", "      "]))
    item_gap = draw(st.sampled_from(["", "", "\n"]))
    list_lines: list[str] = []
    expected: list[str] = []
    for index in range(count):
        marker = marker_template.format(n=first_number + index, a="abcdefghijkl"[index])
        main = draw(sentence(language))
        lines = wrap(main, width, lead + marker, lead + hanging)
        full = main
        if style != "letter" and draw(st.integers(0, 4)) == 0:  # lettered sub-items inside the item
            for sub_index in range(draw(st.integers(1, 3))):
                label = "abc"[sub_index] + ")"
                sub_text = draw(sentence(language)).lower()
                lines += wrap(sub_text, width, f"{lead}   {label} ", f"{lead}      ")
                full += f" {label} {sub_text}"
        expected.append(" ".join(full.split()))
        if index and draw(st.integers(0, 5)) == 0:  # a page break between two items
            list_lines.append(draw(st.sampled_from(["\n\n\n\n\n", "\n\f", "\n\n3\n\n", "\n\n\n\n\n\n\n\n\n\n"])))
        elif index and item_gap:
            list_lines.append("")
        list_lines.extend(lines)
    paragraphs.append(list_lines)

    if date_style == "closing":
        done = "Done in" if language == "en" else "Dado en"
        written = formatted_date(draw, language, date)
        on = "on " if language == "en" else ("" if written.startswith("los") else "el ")
        paragraphs.append([f"{done} {city}, {country}, {on}{written}."])
    for closing in draw(st.lists(st.sampled_from(CLOSINGS[language]), max_size=2)):
        paragraphs.append(wrap(closing, width, "", ""))

    blank = draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = blank.join("\n".join(lines) for lines in paragraphs) + "\n"
    return Generated(
        text=text.replace("\n", newline),
        signatories=tuple(chosen),
        commitments=tuple(expected),
        language=language,
        adopted_on=None if date_style in {"none", "place-only"} else date,
        place=None if date_style == "none" else city,
        title=title,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations())
def test_a_generated_declaration_is_recovered_exactly(generated):
    note(f"text={generated.text!r}")
    declaration = parse_declaration(generated.text)

    check_invariants(generated.text, declaration)
    assert declaration.signatories == generated.signatories
    assert [commitment.text for commitment in declaration.commitments] == list(generated.commitments)
    assert declaration.language == generated.language
    assert declaration.adopted_on == generated.adopted_on
    assert declaration.place == generated.place
    assert declaration.title == generated.title
    for commitment in declaration.commitments:
        source = " ".join(generated.text[commitment.start : commitment.end].split())
        assert source.endswith(commitment.text)
