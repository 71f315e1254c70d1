from __future__ import annotations

import json

import pytest

from declarations.country_names import MEMBER_COUNTRIES
from declarations.models import MemberCountry
from declarations.selectors import country_names_for_parser
from tests.conftest import ROOT


def test_the_fixture_and_the_parsers_built_in_list_agree():
    """The parser's fallback list and the database's seed are two copies; they must not drift."""
    fixture = json.loads((ROOT / "fixtures" / "member_countries.json").read_text(encoding="utf-8"))
    from_fixture = {row["fields"]["iso3"]: row["fields"] for row in fixture}
    assert set(from_fixture) == {c.iso3 for c in MEMBER_COUNTRIES}
    assert len(from_fixture) == 11
    for country in MEMBER_COUNTRIES:
        row = from_fixture[country.iso3]
        assert (row["name_en"], row["name_es"], tuple(row["aliases"])) == (
            country.name_en,
            country.name_es,
            country.aliases,
        )


@pytest.mark.django_db
def test_the_parser_uses_the_databases_spellings(rcm_data):
    MemberCountry.objects.filter(iso3="BLZ").update(aliases=["Belize", "Belice", "Bélize"])
    names = {c.iso3: c for c in country_names_for_parser()}
    assert "Bélize" in names["BLZ"].aliases


def test_a_fresh_database_knows_the_member_countries_after_migrate_alone(tmp_path):
    """No `loaddata` step: `migrate` brings the 11 countries, so loading a declaration works at once."""
    from tests.conftest import SEED_FILES, manage_py

    database = tmp_path / "fresh.sqlite3"
    assert manage_py("migrate", "--noinput", database=database).returncode == 0
    loaded = manage_py("load_declarations", *map(str, SEED_FILES), database=database)
    assert loaded.returncode == 0, loaded.stderr
    assert "11 signatories (BLZ, CAN, CRI, DOM, SLV, GTM, HND, MEX, NIC, PAN, USA)" in loaded.stdout
    # The fixture still refreshes names: same keys, no duplicate.
    assert manage_py("loaddata", "member_countries", database=database).returncode == 0
