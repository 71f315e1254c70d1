"""Template hygiene (#19): lines a reviewer can read, and one error summary for every form."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
# The spreadsheet preview's red box lists the file's rows with problems, each with its own count and link.
NOT_FORM_SUMMARIES = {"import_preview.html"}


def test_no_template_line_is_over_200_characters() -> None:
    long_lines = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > 200
    ]
    assert not long_lines


def test_every_form_uses_the_one_error_summary() -> None:
    own = [
        str(path.relative_to(ROOT))
        for path in TEMPLATES
        if 'class="error-summary"' in path.read_text(encoding="utf-8")
        and path.name != "error_summary.html"
        and path.name not in NOT_FORM_SUMMARIES
    ]
    assert not own, "use {% error_summary form %} (core/templatetags/forms_ui.py) or includes/error_summary.html"
