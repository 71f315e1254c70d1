"""The dashboard's status matrix is a real data table: a caption, a column header per country, a row
header per recommended action, and each status in words beside its icon (not by colour alone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test.html import Element, parse_html
from django.urls import reverse

from declarations.models import Declaration
from reporting.services import report_update

pytestmark = pytest.mark.django_db


def elements(node: Any, name: str) -> Iterator[Element]:
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            if child.name == name:
                yield child
            yield from elements(child, name)


def attribute(node: Element, name: str) -> str:
    return str(dict(node.attributes).get(name) or "")


def text(node: Any) -> str:
    return node if isinstance(node, str) else " ".join(text(child) for child in node.children).strip()


def test_the_matrix_is_a_table_with_a_caption_and_scoped_headers(
    login_as, darien: Declaration, official_mex, mex_implementation
):
    report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=30, summary="Started."
    )
    response = login_as("secretariat").get(reverse("dashboards:dashboard"), {"declaration": darien.pk})
    (matrix,) = [
        table
        for table in elements(parse_html(response.content.decode()), "table")
        if "matrix" in attribute(table, "class").split()
    ]
    (caption,) = elements(matrix, "caption")
    assert text(caption)

    (head,) = elements(matrix, "thead")
    columns = list(elements(head, "th"))
    assert {attribute(th, "scope") for th in columns} == {"col"}
    assert {c.iso3 for c in darien.signatories.all()} <= {text(th) for th in columns}

    (body,) = elements(matrix, "tbody")
    rows = list(elements(body, "tr"))
    assert len(rows) == darien.commitments.count()
    for row in rows:
        (row_header,) = elements(row, "th")
        assert attribute(row_header, "scope") == "row"

    # Mexico's cell on action 1 says its status in words; the icon beside it is hidden from screen readers.
    statuses = [span for span in elements(rows[0], "span") if "status-in_progress" in attribute(span, "class")]
    (status,) = statuses
    assert text(status) == "In progress"
    (icon,) = elements(status, "span")
    assert attribute(icon, "aria-hidden") == "true"
