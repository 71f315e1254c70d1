"""Finding 6: a revoked token kept working for up to 60 s in the other workers (a per-process cache)."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.models import StatusUpdate

pytestmark = pytest.mark.django_db


def test_a_token_revoked_in_another_process_is_refused_at_once(official_mex, mex_implementation):
    token = Token.objects.create(user=official_mex)
    worker = APIClient()
    worker.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert worker.get("/api/v1/countries/").status_code == 200  # this worker has now seen the token

    # Another worker revokes it (a password change there): its signals run in that process, not this one.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Token._meta.db_table} WHERE user_id = %s", [official_mex.pk])  # noqa: S608

    assert worker.get("/api/v1/countries/").status_code == 401
    report = worker.post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/",
        {"status": "in_progress", "progress": 10, "summary": "With a revoked token."},
        format="json",
    )
    assert report.status_code == 401
    assert not StatusUpdate.objects.filter(summary="With a revoked token.").exists()


def test_a_deactivated_user_is_refused_at_once_in_another_process(official_mex):
    token = Token.objects.create(user=official_mex)
    worker = APIClient()
    worker.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert worker.get("/api/v1/countries/").status_code == 200
    type(official_mex).objects.filter(pk=official_mex.pk).update(is_active=False)  # no signal reaches this process
    assert worker.get("/api/v1/countries/").status_code == 401


def test_with_a_shared_cache_a_revocation_reaches_every_process_at_once(shared_cache, official_mex):
    token = Token.objects.create(user=official_mex)
    worker = APIClient()
    worker.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert worker.get("/api/v1/countries/").status_code == 200  # cached in the shared cache now
    Token.objects.filter(user=official_mex).delete()  # as a password change does, in any process
    assert worker.get("/api/v1/countries/").status_code == 401
    token = Token.objects.create(user=official_mex)
    worker.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert worker.get("/api/v1/countries/").status_code == 200
    official_mex.is_active = False
    official_mex.save()  # deactivated in the admin
    assert worker.get("/api/v1/countries/").status_code == 401
