"""Generated bad (and good) input to the report form: a clear 400 or a saved update, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.models import Evidence, StatusUpdate

pytestmark = pytest.mark.django_db

anything = st.one_of(st.text(max_size=60), st.integers().map(str), st.sampled_from(["", " ", "null", "-1", "101"]))
statuses = st.one_of(
    st.sampled_from(["not_started", "planned", "in_progress", "completed", "ongoing", "not_applicable"]), anything
)
urls = st.one_of(
    st.just(""), st.sampled_from(["https://example.org/a", "http://x.y", "javascript:alert(1)", "ftp://a"]), anything
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=statuses,
    progress=st.one_of(st.integers(min_value=-5, max_value=105).map(str), anything),
    summary=st.one_of(st.text(max_size=200), st.just("")),
    url=urls,
    title=st.text(max_size=30),
    version=st.one_of(st.just("0"), anything),
    total_forms=st.sampled_from(["1", "0", "25", "x", ""]),
)
def test_the_report_form_never_fails(
    login_as, mex_implementation, status, progress, summary, url, title, version, total_forms
):
    client = login_as("official_mex")
    before = (StatusUpdate.objects.count(), Evidence.objects.count())
    response = client.post(
        reverse("reporting:implementation-report", args=[mex_implementation.pk]),
        {
            "status": status,
            "progress": progress,
            "summary": summary,
            "version": version,
            "links-TOTAL_FORMS": total_forms,
            "links-INITIAL_FORMS": "0",
            "links-0-url": url,
            "links-0-title": title,
        },
    )
    assert response.status_code in (302, 400, 409)
    after = (StatusUpdate.objects.count(), Evidence.objects.count())
    if response.status_code == 302:
        assert after[0] == before[0] + 1
    else:
        assert after == before  # a refused form writes nothing
