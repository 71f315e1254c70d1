"""Another language version of a declaration: loading and linking it, and pages in each language."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from declarations.models import (
    Commitment,
    CommitmentTranslation,
    Declaration,
    DeclarationTranslation,
    MemberCountry,
)
from reporting.models import Implementation
from tests.conftest import ROOT, SPANISH_SEED_FILES, manage_py

pytestmark = pytest.mark.django_db

DARIEN_ES = ROOT / "fixtures" / "declarations" / "es" / "2022-darien-declaration.txt"
DARIEN_ES_TEXT = DARIEN_ES.read_text(encoding="utf-8")


def load_translation(path: Path | str, target: str, *options: str) -> str:
    out = io.StringIO()
    call_command("load_declarations", str(path), "--translation-of", target, *options, stdout=out)
    return out.getvalue()


def translation_state() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(
            DeclarationTranslation.objects.order_by("pk").values_list(
                "pk", "declaration_id", "language", "title", "source_sha256", "official", "updated_at"
            )
        ),
        list(CommitmentTranslation.objects.order_by("pk").values_list("pk", "commitment_id", "text", "source_start")),
        list(Declaration.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        list(Commitment.objects.order_by("pk").values_list("pk", "text")),
        list(Implementation.objects.order_by("pk").values_list("pk", "commitment_id", "country_id", "version")),
    )


def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


# --------------------------------------------------------------------------------------------
# Loading and linking
# --------------------------------------------------------------------------------------------


def test_the_spanish_seeds_are_unofficial_translations_of_the_two_declarations(darien, global_compact):
    assert Declaration.objects.count() == 2  # nothing duplicated…
    assert Implementation.objects.count() == 298
    spanish_darien = darien.translations.get()
    assert (spanish_darien.language, spanish_darien.title, spanish_darien.place, spanish_darien.official) == (
        "es",
        "Declaración de Darién",
        "Ciudad de Panamá",
        False,
    )
    assert global_compact.translations.get().title.startswith("Declaración Especial de la Conferencia Regional")
    # …and every commitment has its Spanish text, aligned by number.
    assert CommitmentTranslation.objects.count() == 28
    fifth = CommitmentTranslation.objects.get(commitment__declaration=darien, commitment__number=5)
    assert fifth.text.startswith("Realizar campañas sobre los riesgos de la migración irregular")
    assert spanish_darien.source_text[fifth.source_start : fifth.source_end].lstrip("- ").startswith("Realizar")
    last = CommitmentTranslation.objects.get(commitment__declaration=global_compact, commitment__number=18)
    assert last.text.startswith("Subrayamos el derecho de las personas migrantes a regresar")


@pytest.mark.parametrize("path", SPANISH_SEED_FILES, ids=lambda p: p.name)
def test_spanish_seed_texts_parse_like_their_originals(path):
    def dry_run(file: Path) -> dict[str, object]:
        out = io.StringIO()
        call_command("load_declarations", str(file), "--dry-run", "--format", "json", stdout=out)
        payload: dict[str, object] = json.loads(out.getvalue())
        return payload

    spanish_version = dry_run(path)
    original = dry_run(path.parent.parent / path.name)
    assert spanish_version["language"] == "es"
    assert spanish_version["signatories"] == original["signatories"]
    assert len(spanish_version["commitments"]) == len(original["commitments"])  # type: ignore[arg-type]
    assert spanish_version["adopted_on"] == original["adopted_on"]


def test_loading_the_same_translation_again_changes_nothing(rcm_data):
    before = translation_state()
    for path in SPANISH_SEED_FILES:
        assert "unchanged as a translation of" in load_translation(path, path.name, "--unofficial")
    assert translation_state() == before


def test_a_corrected_translation_updates_in_place(darien, tmp_text):
    before = darien.translations.get()
    rows_before = dict(CommitmentTranslation.objects.filter(translation=before).values_list("commitment_id", "pk"))
    corrected = DARIEN_ES_TEXT.replace("Apoyar a las comunidades de acogida", "Respaldar a las comunidades de acogida")

    output = load_translation(tmp_text("darien-es.txt", corrected), str(darien.pk), "--unofficial")

    assert "updated as a translation of 'Darien Declaration'" in output
    assert "changed the translated text of commitment 6" in output
    after = darien.translations.get()
    assert after.pk == before.pk and after.source_text == corrected
    assert dict(CommitmentTranslation.objects.filter(translation=after).values_list("commitment_id", "pk")) == (
        rows_before
    )
    sixth = CommitmentTranslation.objects.get(translation=after, commitment__number=6)
    assert sixth.text.startswith("Respaldar a las comunidades de acogida")
    assert AuditEntry.objects.filter(action="declaration.translation_update", target_id=str(after.pk)).exists()


def test_loading_without_unofficial_marks_the_translation_official(darien):
    output = load_translation(DARIEN_ES, "Darien Declaration")
    assert "marked as official" in output
    assert darien.translations.get().official is True


@pytest.mark.parametrize(
    "reference", ["Darien Declaration", "darien declaration", "Declaración de Darién", "2022-darien-declaration.txt"]
)
def test_the_target_is_found_by_id_title_translated_title_or_file_name(darien, reference):
    assert "as a translation of 'Darien Declaration'" in load_translation(DARIEN_ES, reference, "--unofficial")


def test_a_translation_with_another_number_of_actions_is_refused_and_nothing_changes(darien, tmp_text):
    before = translation_state()
    shorter = DARIEN_ES_TEXT.replace(
        "- Apoyar a las comunidades de acogida de estos flujos y trabajar conjuntamente con ellas.\n", ""
    )
    with pytest.raises(CommandError, match="has 9 recommended actions but “Darien Declaration” has 10"):
        load_translation(tmp_text("short.txt", shorter), "Darien Declaration", "--unofficial")
    assert translation_state() == before


def test_a_translation_of_the_wrong_declaration_is_refused(global_compact):
    before = translation_state()
    with pytest.raises(CommandError, match="has 10 recommended actions but “Special Declaration"):
        load_translation(DARIEN_ES, str(global_compact.pk))
    assert translation_state() == before


def test_a_translation_naming_other_signatories_is_refused(darien, tmp_text):
    with_nicaragua = DARIEN_ES_TEXT.replace("México, Panamá", "México, Nicaragua, Panamá", 1)
    with pytest.raises(CommandError, match="names other signatories"):
        load_translation(tmp_text("nic.txt", with_nicaragua), "Darien Declaration")


def test_a_translation_in_the_declarations_own_language_is_refused(darien):
    english = ROOT / "fixtures" / "declarations" / "2022-darien-declaration.txt"
    with pytest.raises(CommandError, match="a translation must be in another language"):
        load_translation(english, "Darien Declaration")


def test_an_unknown_target_fails_naming_the_file(rcm_data):
    with pytest.raises(CommandError, match=r"2022-darien-declaration.txt: --translation-of 'Tegucigalpa' names no"):
        load_translation(DARIEN_ES, "Tegucigalpa")


def test_a_loaded_translation_cannot_come_back_as_a_declaration_of_its_own(rcm_data):
    before = translation_state()
    with pytest.raises(CommandError, match="already loaded as a translation \\(es\\) of “Darien Declaration”"):
        call_command("load_declarations", str(DARIEN_ES), stdout=io.StringIO())
    assert translation_state() == before


def test_unofficial_needs_translation_of(rcm_data):
    with pytest.raises(CommandError, match="--unofficial only applies with --translation-of"):
        call_command("load_declarations", str(DARIEN_ES), "--unofficial", stdout=io.StringIO())


def test_a_dry_run_checks_the_link_and_writes_nothing(darien, tmp_text):
    DeclarationTranslation.objects.all().delete()
    before = translation_state()
    out = io.StringIO()
    call_command(
        "load_declarations",
        str(DARIEN_ES),
        "--translation-of",
        "Darien Declaration",
        "--dry-run",
        "--format",
        "json",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    assert payload["title"] == "Declaración de Darién" and payload["language"] == "es"
    assert translation_state() == before
    shorter = DARIEN_ES_TEXT.replace(
        "- Apoyar a las comunidades de acogida de estos flujos y trabajar conjuntamente con ellas.\n", ""
    )
    with pytest.raises(CommandError, match="has 9 recommended actions"):
        call_command(
            "load_declarations", str(tmp_text("s.txt", shorter)), "--translation-of", "1", "--dry-run", stdout=out
        )


def test_command_line_unknown_target_is_one_stderr_line_and_exit_1(tmp_path):
    database = tmp_path / "db.sqlite3"
    assert manage_py("migrate", "-v0", database=database).returncode == 0
    result = manage_py("load_declarations", "--translation-of", "99", str(DARIEN_ES), database=database)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"{DARIEN_ES}: --translation-of '99' names no loaded declaration")


# --------------------------------------------------------------------------------------------
# Country names
# --------------------------------------------------------------------------------------------


def test_country_names_follow_the_language(rcm_data):
    mexico = MemberCountry.objects.get(iso3="MEX")
    with translation.override("es"):
        assert (mexico.name, str(mexico), mexico.other_name.text, mexico.other_name.language) == (
            "México",
            "México",
            "Mexico",
            "en",
        )
    with translation.override("en"):
        assert (mexico.name, str(mexico), mexico.other_name.text) == ("Mexico", "Mexico", "México")


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [("en", "Belize", "United States"), ("es", "Belice", "República Dominicana")],
)
def test_the_countries_page_sorts_by_the_shown_name(login_as, language, first, last):
    client = login_as("observer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("reporting:country-list")).content.decode()
    names = [c.name_en if language == "en" else c.name_es for c in MemberCountry.objects.filter(is_regional=False)]
    positions = sorted((page.index(f">{name}</a>"), name) for name in names)
    assert positions[0][1] == first
    assert positions[-1][1] == last


# --------------------------------------------------------------------------------------------
# Pages in each language
# --------------------------------------------------------------------------------------------


def test_declaration_page_in_spanish_shows_the_translation_and_offers_the_original(login_as, darien):
    page = spanish(login_as("observer")).get(reverse("declarations:declaration-detail", args=[darien.pk]))
    html = page.content.decode()
    assert '<h1 lang="es">Declaración de Darién</h1>' in html
    assert '<p lang="es">Realizar campañas sobre los riesgos' in html
    assert 'class="tag tag-unofficial"' in html
    assert '<a href="?version=en" hreflang="en" lang="en">Read in English</a>' in html
    assert "México" in html  # signatories named in Spanish
    assert "Ciudad de Panamá" in html and "Panama City" not in html  # the place as the Spanish text names it


def test_declaration_page_in_english_shows_the_original_and_offers_the_spanish(login_as, darien):
    html = login_as("observer").get(reverse("declarations:declaration-detail", args=[darien.pk])).content.decode()
    assert '<h1 lang="en">Darien Declaration</h1>' in html
    assert '<p lang="en">Carrying out campaigns' in html
    assert "tag-unofficial" not in html
    assert '<a href="?version=es" hreflang="es" lang="es">Leer en español</a>' in html


def test_another_version_can_be_read_inside_the_pages_language(login_as, darien):
    client = login_as("observer")
    html = client.get(reverse("declarations:declaration-detail", args=[darien.pk]), {"version": "es"}).content.decode()
    assert '<p lang="es">Realizar campañas' in html and "tag-unofficial" in html
    assert '<html lang="en">' in html
    assert f'href="{reverse("declarations:declaration-text", args=[darien.pk])}?version=es"' in html
    html = spanish(client).get(reverse("declarations:declaration-detail", args=[darien.pk]), {"version": "en"}).content
    assert b'<p lang="en">Carrying out campaigns' in html


def test_full_text_page_in_spanish_anchors_the_spanish_actions(login_as, darien):
    html = spanish(login_as("observer")).get(reverse("declarations:declaration-text", args=[darien.pk])).content
    html = html.decode()
    assert '<article class="source-text" lang="es">' in html
    anchored = html.split('id="commitment-5"', 1)[1].split("</div>", 1)[0]
    assert "Realizar campañas" in anchored
    assert "2022-darien-declaration.txt" in html and darien.translations.get().source_sha256 in html
    assert '<a href="?version=en" hreflang="en" lang="en">Read in English</a>' in html


def test_workspace_implementation_and_queue_in_spanish(login_as, official_mex, mex_implementation, secretariat):
    from reporting.services import report_update

    client = spanish(login_as("official_mex"))
    html = client.get(reverse("reporting:country-detail", args=["MEX"])).content.decode()
    assert "<h1>México" in html and 'lang="es">Coordinar la elaboración de una hoja de ruta' in html
    assert 'lang="es">Declaración de Darién</a>' in html and "tag-unofficial" in html
    html = client.get(reverse("reporting:implementation-detail", args=[mex_implementation.pk])).content.decode()
    assert '<p lang="es">Coordinar la elaboración' in html
    assert '<a href="?version=en" hreflang="en" lang="en">Read in English</a>' in html
    html = client.get(reverse("reporting:implementation-detail", args=[mex_implementation.pk]), {"version": "en"})
    assert '<p lang="en">Coordinating the development of a regional roadmap' in html.content.decode()

    report_update(implementation=mex_implementation, by=official_mex, status="planned", progress=None, summary="Plan")
    client.force_login(secretariat)
    html = client.get(reverse("reporting:review-queue")).content.decode()
    assert 'México · <span lang="es">Declaración de Darién, acción 1</span>' in html
    assert 'lang="es">Coordinar la elaboración' in html


def test_dashboard_and_its_export_in_spanish(login_as, darien):
    client = spanish(login_as("observer"))
    html = client.get(reverse("dashboards:dashboard"), {"declaration": darien.pk}).content.decode()
    assert '<h2 id="matrix-' in html and 'lang="es">Declaración de Darién</h2>' in html
    assert 'lang="es">Realizar campañas' in html
    # countries sorted by their Spanish names: Estados Unidos comes before Guatemala
    assert html.index('title="Estados Unidos"') < html.index('title="Guatemala"')
    # the filter menus name declarations and countries in Spanish too, sorted as read, the choice kept
    assert f'<option value="{darien.pk}" selected>Declaración de Darién</option>' in html
    assert html.index('<option value="USA">Estados Unidos</option>') < html.index('<option value="GTM">Guatemala')
    csv_text = client.get(reverse("dashboards:dashboard"), {"declaration": darien.pk, "format": "csv"}).content
    csv_text = csv_text.decode("utf-8-sig")
    assert csv_text.startswith("Declaración de Darién")
    assert "Realizar campañas" in csv_text and "Estados Unidos" in csv_text


def test_spreadsheet_download_in_spanish(login_as):
    client = spanish(login_as("official_mex"))
    response = client.get(reverse("spreadsheets:spreadsheet-csv", args=["MEX"]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Declaración de Darién" in content and "Realizar campañas" in content


def test_spanish_pages_cost_the_same_queries_as_english(
    login_as, darien, mex_implementation, django_assert_num_queries
):
    client = login_as("official_mex")
    pages = [
        (reverse("declarations:declaration-list"), 5),
        (reverse("declarations:declaration-detail", args=[darien.pk]), 9),
        (reverse("declarations:declaration-text", args=[darien.pk]), 8),
        (reverse("reporting:country-detail", args=["MEX"]), 11),
        (reverse("reporting:implementation-detail", args=[mex_implementation.pk]), 7),
    ]
    for language in ("en", "es"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url, queries in pages:
            with django_assert_num_queries(queries):
                assert client.get(url).status_code == 200


# --------------------------------------------------------------------------------------------
# API: translations added beside the original fields, which keep their meaning
# --------------------------------------------------------------------------------------------


def test_api_lists_translations_beside_the_original(shared_cache, api, darien, django_assert_num_queries):
    client = api("observer")
    listing = client.get("/api/v1/declarations/", HTTP_ACCEPT_LANGUAGE="es").json()
    item = next(d for d in listing["results"] if d["id"] == darien.pk)
    assert item["title"] == "Darien Declaration" and item["language"] == "en"
    assert item["translations"] == [{"language": "es", "title": "Declaración de Darién", "official": False}]

    detail = client.get(f"/api/v1/declarations/{darien.pk}/").json()
    fifth = detail["commitments"][4]
    assert fifth["text"].startswith("Carrying out campaigns")
    assert fifth["translations"][0]["language"] == "es"
    assert fifth["translations"][0]["text"].startswith("Realizar campañas")

    with django_assert_num_queries(4):  # the filter's declaration, count, page, translations (token cached)
        commitments = client.get("/api/v1/commitments/", {"declaration": darien.pk}).json()
    assert [c["translations"][0]["text"][:8] for c in commitments["results"]][:2] == ["Coordina", "Promover"]


# --------------------------------------------------------------------------------------------
# The secretariat's web upload of a translation
# --------------------------------------------------------------------------------------------


def _upload(client, declaration, text: str, *, official: bool = False, name: str = "darien-es.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, object] = {"file": SimpleUploadedFile(name, text.encode(), content_type="text/plain")}
    if official:
        data["official"] = "on"
    return client.post(reverse("declarations:declaration-translation-upload", args=[declaration.pk]), data)


@pytest.mark.parametrize(("who", "expected"), [("official_mex", 403), ("observer", 403), ("secretariat", 200)])
def test_only_the_secretariat_uploads_translations(login_as, darien, who, expected):
    url = reverse("declarations:declaration-translation-upload", args=[darien.pk])
    assert login_as(who).get(url).status_code == expected


def test_the_secretariat_corrects_a_translation_from_the_web(login_as, darien):
    corrected = DARIEN_ES_TEXT.replace("Apoyar a las comunidades de acogida", "Respaldar a las comunidades de acogida")
    response = _upload(login_as("secretariat"), darien, corrected, official=True)
    assert response.status_code == 302
    assert response["Location"].endswith("?version=es")
    translation_row = darien.translations.get()
    assert translation_row.official is True and translation_row.source_text == corrected
    assert CommitmentTranslation.objects.get(translation=translation_row, commitment__number=6).text.startswith(
        "Respaldar"
    )


def test_a_web_translation_that_does_not_line_up_is_refused_with_the_reason(login_as, darien):
    before = translation_state()
    shorter = DARIEN_ES_TEXT.replace(
        "- Apoyar a las comunidades de acogida de estos flujos y trabajar conjuntamente con ellas.\n", ""
    )
    response = _upload(login_as("secretariat"), darien, shorter)
    assert response.status_code == 400
    assert "has 9 recommended actions but “Darien Declaration” has 10" in response.content.decode()
    assert translation_state() == before


def test_the_declaration_page_offers_the_secretariat_to_add_a_translation(login_as, darien):
    url = reverse("declarations:declaration-translation-upload", args=[darien.pk])
    assert (
        url
        in login_as("secretariat").get(reverse("declarations:declaration-detail", args=[darien.pk])).content.decode()
    )


def test_the_workspace_search_finds_words_of_the_translation(login_as):
    client = login_as("official_mex")
    found = client.get(reverse("reporting:country-detail", args=["MEX"]), {"search": "hoja de ruta"})
    assert found.status_code == 200
    assert 'lang="en">Coordinating the development of a regional roadmap' in found.content.decode()
    assert "Promoting and maintaining dialogue" not in found.content.decode()
