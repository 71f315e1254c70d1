"""`seed_synthetic` (bench/): synthetic data that is consistent and never collides with the real countries."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from declarations.models import Declaration, MemberCountry
from reporting.models import Implementation, Review, StatusTally, StatusUpdate
from reporting.tallies import tally_rebuild

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def seed(**sizes: int) -> str:
    out = io.StringIO()
    options = [f"--{name.replace('_', '-')}={value}" for name, value in sizes.items()]
    call_command("seed_synthetic", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_writes_the_asked_sizes_with_current_state_equal_to_the_latest_update(rcm_data):
    real = set(MemberCountry.objects.values_list("iso3", flat=True))
    out = seed(countries=7, declarations=3, commitments_per_declaration=4, updates_per_implementation=3)

    assert "84 implementations" in out
    synthetic = MemberCountry.objects.exclude(iso3__in=real)
    assert synthetic.count() == 7
    assert all(any(ch.isdigit() for ch in c.iso3) and "Synthetic" in c.name_en for c in synthetic)
    implementations = Implementation.objects.filter(country__in=synthetic)
    assert implementations.count() == 84
    reported = implementations.filter(version__gt=0)
    assert reported.count() == 84 - 84 // 10
    assert StatusUpdate.objects.filter(implementation__in=implementations).count() == reported.count() * 3
    for item in reported.select_related("latest_update"):
        latest = item.latest_update
        assert latest is not None
        assert (latest.sequence, latest.status, latest.progress, latest.reported_at, latest.review_state) == (
            item.version,
            item.status,
            item.progress,
            item.last_reported_at,
            item.review_state,
        )
    assert StatusUpdate.objects.filter(review_state="accepted").count() == Review.objects.count()
    assert (
        not StatusUpdate.objects.values("implementation")
        .annotate(n=Count("pk"), top=Max("sequence"))
        .exclude(top=3)
        .exists()
    )


def test_tallies_after_a_seed_equal_a_recount_and_a_second_seed_adds_declarations(rcm_data):
    seed(countries=3, declarations=2, commitments_per_declaration=2, updates_per_implementation=1)
    seed(countries=3, declarations=2, commitments_per_declaration=2, updates_per_implementation=2)
    assert Declaration.objects.filter(title__startswith="Synthetic").count() == 4
    before = Counter({(t.declaration_id, t.country_id, t.key): t.count for t in StatusTally.objects.all()})
    tally_rebuild()
    after = Counter({(t.declaration_id, t.country_id, t.key): t.count for t in StatusTally.objects.all()})
    assert before == after


def test_seed_refuses_impossible_sizes(rcm_data):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--countries"):
        seed(countries=0, declarations=1, commitments_per_declaration=1, updates_per_implementation=1)
