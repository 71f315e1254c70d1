"""The Spanish catalogue is complete: every string translated, none fuzzy, none the code does not mark."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.i18n.catalogue import ROOT, SPANISH_PO, read_po

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    entries = read_po(SPANISH_PO)
    assert len(entries) > 400
    assert [entry.key for entry in entries if "fuzzy" in entry.flags] == []
    assert [entry.key for entry in entries if not all(entry.translations)] == []


def test_translations_keep_their_placeholders() -> None:
    """A lost %(name)s would raise at run time (or silently drop the value) in Spanish only."""
    wrong = [
        entry.key
        for entry in read_po(SPANISH_PO)
        for translation in entry.translations
        if sorted(set(PLACEHOLDER.findall(entry.fields["msgid"]))) != sorted(set(PLACEHOLDER.findall(translation)))
    ]
    assert wrong == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")
def test_msgfmt_compiles_it_without_complaint() -> None:
    result = subprocess.run(
        [str(shutil.which("msgfmt")), "--check", "--statistics", "-o", os.devnull, str(SPANISH_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


def _copy_of_the_project(target: Path) -> Path:
    ignored = shutil.ignore_patterns(".venv", ".git", "node_modules", "media", "staticfiles", "*.sqlite3", "*.mo")
    shutil.copytree(ROOT, target, ignore=ignored, symlinks=True)
    return target


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path: Path) -> None:
    """Run `makemessages` on a copy of the code: it must add no msgid (nor drop one)."""
    copy = _copy_of_the_project(tmp_path / "project")
    # The project's own settings (not the test settings pytest exported), on a database it never opens.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env |= {"DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "es",
            "--no-location",
            "--no-obsolete",
            "--ignore",
            "tests/*",
            "--ignore",
            "node_modules/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    regenerated = {entry.key for entry in read_po(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")}
    committed = {entry.key for entry in read_po(SPANISH_PO)}
    assert sorted(regenerated - committed) == [], "run `make makemessages` and translate the new strings"
    assert sorted(committed - regenerated) == [], "run `make makemessages`: the catalogue has strings no longer used"
