"""Finding 1: an OpenDocument whose `mimetype` member is a deflated bomb, sent as evidence."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.conftest import MB, bounded, opendocument_bomb

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["plan.odt", "datos.ods"])
def test_a_mimetype_bomb_is_refused_without_unpacking_it(api, mex_update, media_root, name):
    bomb = opendocument_bomb(unpacked=200 * MB)  # ~200 KB on the wire
    assert len(bomb) < 400_000
    client = api("official_mex")
    client.get("/api/v1/countries/")  # a running worker has its code loaded: measure the attack, not the imports
    with bounded() as cost:
        response = client.post(
            f"/api/v1/updates/{mex_update.pk}/evidence/",
            {"file": SimpleUploadedFile(name, bomb)},
            format="multipart",
        )
    assert response.status_code == 415
    assert response.json()["status"] == 415
    cost.assert_bounded()
    assert not list(media_root.rglob("*.od?"))
