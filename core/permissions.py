"""Who may do what: every view, form, service and API endpoint asks these functions.

Keeping the rules here, named, is what lets a test check the whole matrix and a reviewer
read it in one place. Views turn "may not see" into 404 and "may see but not change" into 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from declarations.models import MemberCountry
    from reporting.models import Evidence, Implementation

    AnyUser = User | AnonymousUser


def is_secretariat(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_secretariat)


def can_view_all_countries(user: AnyUser) -> bool:
    """Signed-in users read every country, unless a setting confines officials to their own."""
    if not (user.is_authenticated and user.is_active):
        return False
    return not (user.is_official and not settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES)


def can_view_country(user: AnyUser, country: MemberCountry) -> bool:
    if can_view_all_countries(user):
        return True
    return bool(user.is_authenticated and user.is_active and user.country_id == country.pk)


def can_manage_declarations(user: AnyUser) -> bool:
    return is_secretariat(user)


def can_view_implementation(user: AnyUser, implementation: Implementation) -> bool:
    return can_view_country(user, implementation.country)


def can_report_for_country(user: AnyUser, country: MemberCountry) -> bool:
    """Only an official of a country speaks for that country; the secretariat for the region."""
    if country.is_regional:
        return is_secretariat(user)
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_official
        and user.country_id is not None
        and user.country_id == country.pk
    )


def can_report_for(user: AnyUser, implementation: Implementation) -> bool:
    return can_report_for_country(user, implementation.country)


def can_review(user: AnyUser) -> bool:
    return is_secretariat(user)


def can_view_evidence(user: AnyUser, evidence: Evidence) -> bool:
    """Observers open only the evidence of accepted updates: the rest is not validated yet (#18)."""
    if sees_validated_only(user) and evidence.update.review_state != "accepted":
        return False
    return can_view_implementation(user, evidence.update.implementation)


def can_view_audit(user: AnyUser) -> bool:
    return is_secretariat(user)


def sees_validated_only(user: AnyUser) -> bool:
    """Observers read what the secretariat accepted: no pending or returned report, no review comment."""
    return not (user.is_authenticated and user.is_active and (user.is_official or user.is_secretariat))
