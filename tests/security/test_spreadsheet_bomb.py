"""Finding 2: a spreadsheet of 900,000 rows that are blank where the import looks, without a `<dimension>`."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.conftest import MB, bounded, sheet_bomb

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rows", "unpacked_mb"),
    [
        (900_000, 45),  # the attack as found: 47.7 MB unpacked
        (280_000, 14),  # under the unpacked cap: the line count stops it
    ],
)
def test_a_sheet_of_blank_rows_is_refused_within_bounds(login_as, official_mex, rows, unpacked_mb):
    bomb = sheet_bomb(rows=rows)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 400_000 and unpacked > unpacked_mb * MB
    client = login_as("official_mex")
    upload_url = reverse("spreadsheets:import-upload")
    client.get(upload_url)  # a running worker has its code loaded: measure the attack, not the imports
    with bounded() as cost:
        response = client.post(upload_url, {"country": "MEX", "file": SimpleUploadedFile("report.xlsx", bomb)})
    assert response.status_code == 400
    assert "cannot be read" in response.content.decode() or "rows" in response.content.decode()
    cost.assert_bounded()
