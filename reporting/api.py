"""The reporting API: implementations, their history, updates, evidence and the summary.

Views are thin: they parse input with an input serializer, call the same services and
selectors as the HTML pages, and render with an output serializer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from email.utils import format_datetime
from typing import Any, cast

from django.http import FileResponse, HttpResponse, HttpResponseBase, QueryDict
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import (
    PAGE_PARAMETERS,
    TOTAL_ROWS,
    ApiView,
    ForwardCursorPagination,
    Pagination,
    Problem,
    UtcDateTimeField,
    paginated,
    row_count,
    utc_iso,
)
from core.db_router import read_only_view
from core.filters import InvalidFilters, StrictBooleanField, validate_date_in_range
from core.parsers import JSONParser
from core.permissions import can_view_implementation, sees_validated_only
from declarations.models import Declaration
from reporting import exports, selectors, services
from reporting.downloads import downloadable_evidence, evidence_file_response
from reporting.history import STATE_STATUS, state_of, state_of_row
from reporting.models import (
    REPORTABLE_STATUSES,
    Evidence,
    EvidenceKind,
    Implementation,
    ReportingRound,
    Review,
    ReviewState,
    Status,
    StatusUpdate,
)

# --- output ---------------------------------------------------------------------------------------


REVIEW_STATES = [("", "not reported or nothing to review"), *ReviewState.choices]


class ImplementationOut(serializers.ModelSerializer[Implementation]):
    # Every field declared here, not derived from the model: the schema's bounds must not change with
    # the database (Django's integer validators do).
    id = serializers.IntegerField(read_only=True, min_value=1)
    declaration = serializers.IntegerField(source="commitment.declaration_id", read_only=True, min_value=1)
    commitment = serializers.IntegerField(source="commitment_id", read_only=True, min_value=1)
    commitment_number = serializers.IntegerField(
        source="commitment.number", read_only=True, min_value=1, help_text="The action's number in its declaration."
    )
    commitment_text = serializers.CharField(
        source="commitment.text", read_only=True, help_text="In the declaration's original language."
    )
    country = serializers.CharField(source="country.iso3", read_only=True, help_text="ISO3 code.")
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="`not_reported` until the first update."
    )
    progress = serializers.IntegerField(
        read_only=True, allow_null=True, min_value=0, max_value=100, help_text="Percent, when reported."
    )
    last_reported_at = UtcDateTimeField(
        read_only=True, allow_null=True, help_text="When the latest update was reported (UTC); null if never."
    )
    version = serializers.IntegerField(
        read_only=True, min_value=0, help_text="Grows with every update and review; the ETag names it."
    )
    review_state = serializers.ChoiceField(
        choices=REVIEW_STATES,
        allow_blank=True,
        read_only=True,
        help_text="The review of the latest update: pending, accepted, returned (the state shown is then the latest "
        "update not returned: returned, awaiting correction), or empty when nothing is reported.",
    )
    updated_at = UtcDateTimeField(
        read_only=True, allow_null=True, help_text="The last report or review (UTC): what updated_since compares."
    )

    class Meta:
        model = Implementation
        fields = [
            "id",
            "declaration",
            "commitment",
            "commitment_number",
            "commitment_text",
            "country",
            "status",
            "progress",
            "last_reported_at",
            "version",
            "review_state",
            "updated_at",
        ]

    def to_representation(self, instance: Implementation | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(instance, Mapping):
            return self.row_representation(instance)
        data = super().to_representation(instance)
        if hasattr(instance, STATE_STATUS):
            # `as_of`: the state at that date, from the history, with that update's review as known today
            # (empty when nothing was reported by then).
            state = state_of(instance)
            data.update(
                status=state.status,
                progress=state.progress,
                last_reported_at=utc_iso(state.reported_at),
                version=state.version,
                review_state=state.review_state,
                updated_at=utc_iso(state.reported_at),
            )
        return data

    @staticmethod
    def row_representation(row: Mapping[str, Any]) -> dict[str, Any]:
        """The same fields for a `.values()` row of `selectors.implementation_rows`, read directly.

        The list renders its pages from plain rows: no model instance and no field object per
        value, the same JSON in a fraction of the time.
        """
        state = state_of_row(row)
        return {
            "id": row["id"],
            "declaration": row["commitment__declaration_id"],
            "commitment": row["commitment_id"],
            "commitment_number": row["commitment__number"],
            "commitment_text": row["commitment__text"],
            "country": row["country__iso3"],
            "status": state.status,
            "progress": state.progress,
            "last_reported_at": utc_iso(state.reported_at),
            "version": state.version,
            "review_state": state.review_state,
            # With `as_of`, the state's own report is the last change that day knew of.
            "updated_at": utc_iso(state.reported_at if STATE_STATUS in row else row["updated_at"]),
        }


class EvidenceOut(serializers.ModelSerializer[Evidence]):
    id = serializers.IntegerField(read_only=True, min_value=1)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, read_only=True, help_text="`link` or `file`.")
    title = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="The link (kind `link`); empty for a file.")
    original_name = serializers.CharField(read_only=True, help_text="The uploaded file's name; empty for a link.")
    size = serializers.IntegerField(read_only=True, allow_null=True, min_value=0, help_text="Bytes; null for a link.")
    sha256 = serializers.CharField(read_only=True, help_text="Hex digest of the file; empty for a link.")
    content_type = serializers.CharField(read_only=True, help_text="Detected media type; empty for a link.")
    download_url = serializers.SerializerMethodField(
        help_text="Absolute URL of the file's download (kind `file`); null for a link."
    )

    class Meta:
        model = Evidence
        fields = ["id", "kind", "title", "url", "original_name", "size", "sha256", "content_type", "download_url"]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, evidence: Evidence) -> str | None:
        if evidence.kind != EvidenceKind.FILE:
            return None
        path = reverse("api:evidence-download", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReviewOut(serializers.ModelSerializer[Review]):
    decision = serializers.ChoiceField(
        choices=[(ReviewState.ACCEPTED, "accepted"), (ReviewState.RETURNED, "returned")], read_only=True
    )
    comment = serializers.CharField(read_only=True, help_text="The secretariat's comment; may be empty.")
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True)
    reviewed_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = Review
        fields = ["decision", "comment", "reviewed_by", "reviewed_at"]


class StatusUpdateOut(serializers.ModelSerializer[StatusUpdate]):
    id = serializers.IntegerField(read_only=True, min_value=1)
    implementation = serializers.IntegerField(source="implementation_id", read_only=True, min_value=1)
    sequence = serializers.IntegerField(read_only=True, min_value=1, help_text="1 for the first update, then 2, …")
    status = serializers.ChoiceField(choices=REPORTABLE_STATUSES, read_only=True)
    progress = serializers.IntegerField(read_only=True, allow_null=True, min_value=0, max_value=100)
    summary = serializers.CharField(read_only=True)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    reported_at = UtcDateTimeField(read_only=True)
    reporting_round = serializers.CharField(
        source="reporting_round.name", read_only=True, allow_null=True, help_text="The round's name, if any."
    )
    review_state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    review = serializers.SerializerMethodField()
    evidence = EvidenceOut(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "implementation",
            "sequence",
            "status",
            "progress",
            "summary",
            "reported_by",
            "reported_at",
            "reporting_round",
            "review_state",
            "review",
            "evidence",
        ]

    @extend_schema_field(ReviewOut(allow_null=True))
    def get_review(self, update: StatusUpdate) -> dict[str, Any] | None:
        try:
            review = ReviewOut(update.review).data
        except Review.DoesNotExist:
            return None
        if self.context.get("hide_comments"):
            review["comment"] = ""  # observers read decisions, not the secretariat's remarks to a country
        return review


# --- input ----------------------------------------------------------------------------------------


class LinkIn(serializers.Serializer[services.LinkInput]):
    url = serializers.CharField(max_length=2000, help_text="An http:// or https:// address.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StatusUpdateIn(serializers.Serializer[StatusUpdate]):
    status = serializers.ChoiceField(choices=REPORTABLE_STATUSES)
    progress = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=100,
        help_text="0–100; completed implies 100, not_started 0.",
    )
    summary = serializers.CharField(
        allow_blank=True, help_text="What was done; for not_applicable, the reason. Required."
    )
    links = LinkIn(  # type: ignore[call-arg]  # the stubs lack ListSerializer's max_length
        many=True,
        required=False,
        default=list,
        max_length=services.MAX_LINKS,
        help_text="Evidence links (at most 20); files go to the evidence endpoint.",
    )


class EvidenceLinkIn(serializers.Serializer[Evidence]):
    """A link, sent as JSON."""

    url = serializers.CharField(max_length=2000, help_text="An http:// or https:// address.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EvidenceFileIn(serializers.Serializer[Evidence]):
    """A file, sent as multipart/form-data."""

    file = serializers.FileField(help_text="The file (PDF, office document, image, …).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- parameters shared by the list, the exports and the schema --------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO3 code, e.g. MEX (any case). Unknown → 400."),
    OpenApiParameter("declaration", OpenApiTypes.INT, description="Declaration id."),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=Status.values,
        many=True,
        explode=True,
        description="One or more status codes (repeat the parameter).",
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Reported or reviewed at or after this instant (ISO 8601 with an offset, e.g. Z; "
        "without one → 400).",
    ),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words in the commitment's text."),
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description="Reported state at the end of this day, from the history; review fields empty for rows "
        "not reported by then.",
    ),
    OpenApiParameter(
        "validated_only",
        OpenApiTypes.BOOL,
        description="The validated state (latest accepted update) instead of the reported one (latest not returned).",
    ),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        description="declaration, number, country, status, progress, last_reported_at; prefix - to reverse.",
    ),
    OpenApiParameter(
        "format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="csv and xlsx export every row."
    ),
    *PAGE_PARAMETERS,
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Keyset paging, as fast on the last page as on the first: send it empty to start, then "
        "follow `next` (`previous` stays null). Only with the default order.",
    ),
]


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 -- IsAuthenticated ran before any handler
    return user


def _visible_implementation(request: Request, pk: int) -> Implementation:
    implementation = selectors.implementation_get(pk=pk)
    if not can_view_implementation(request.user, implementation):
        raise Implementation.DoesNotExist(_("No such implementation."))
    return implementation


def _with_validators(response: HttpResponseBase, implementation: Implementation) -> HttpResponseBase:
    response["ETag"] = implementation_etag(implementation.pk, implementation.version)
    if implementation.updated_at:
        response["Last-Modified"] = format_datetime(implementation.updated_at, usegmt=True)
    return response


# --- views ----------------------------------------------------------------------------------------

ETAG_HEADERS = {
    "ETag": {"description": "The implementation's version; send it back in If-Match.", "schema": {"type": "string"}},
    "Last-Modified": {
        "description": "When its latest update was reported (absent if never).",
        "schema": {"type": "string"},
    },
}
IMPLEMENTATION_EXAMPLE = {
    "id": 8,
    "declaration": 1,
    "commitment": 1,
    "commitment_number": 1,
    "commitment_text": "Strengthen coordination between migration authorities…",
    "country": "MEX",
    "status": "in_progress",
    "progress": 60,
    "last_reported_at": "2026-11-03T15:04:05Z",
    "version": 3,
    "review_state": "pending",
}
UPDATE_EXAMPLE = {
    "id": 41,
    "implementation": 8,
    "sequence": 3,
    "status": "in_progress",
    "progress": 60,
    "summary": "Roadmap draft approved.",
    "reported_by": "official_mex",
    "reported_at": "2026-11-03T15:04:05Z",
    "reporting_round": "2026 second semester",
    "review_state": "pending",
    "review": None,
    "evidence": [
        {
            "id": 12,
            "kind": "link",
            "title": "INM",
            "url": "https://www.gob.mx/inm",
            "original_name": "",
            "size": None,
            "sha256": "",
            "content_type": "",
            "download_url": None,
        }
    ],
}


def page_example(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": 1, "next": None, "previous": None, "results": [row]}


class ImplementationList(ApiView):
    query_parameters = {"get": LIST_PARAMETERS}

    @extend_schema(
        operation_id="implementations_list",
        summary="Implementations (commitment × country) with their current state",
        description="Every implementation the caller may read, filtered; 50 a page by default (`page_size` up to "
        "500), or by `cursor` for deep paging. `format=csv|xlsx` exports every matching row (UTF-8, no BOM, "
        "times in UTC). An unknown parameter or filter value is a 400, never an empty or unfiltered list.",
        parameters=LIST_PARAMETERS,
        responses={
            200: paginated(ImplementationOut, "Implementation"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every matching row, streamed."),
            (200, exports.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Every matching row."),
        },
        examples=[OpenApiExample("A page", value=page_example(IMPLEMENTATION_EXAMPLE), response_only=True)],
    )
    @read_only_view
    def get(self, request: Request) -> HttpResponseBase:
        output = request.query_params.get("format", "json")
        if output not in ("json", "csv", "xlsx"):
            raise InvalidFilters({"format": [_("Choose json, csv or xlsx.")]})
        paginator = Pagination()
        paginator.check_params(request)  # an export ignores paging, but not a malformed request
        user = _user(request)
        filters: QueryDict = request.query_params
        asked = request.query_params.get("validated_only", "").strip().lower()
        if sees_validated_only(user) and (not asked or asked in StrictBooleanField.TRUE | StrictBooleanField.FALSE):
            # Observers read the validated state, whatever they ask (a malformed value stays a 400).
            filters = request.query_params.copy()
            filters["validated_only"] = "true"
        implementations, values = selectors.implementation_list_filtered(user=user, filters=filters)
        if output == "csv":
            return exports.implementations_csv(implementations)
        if output == "xlsx":
            return exports.implementations_xlsx(implementations)
        total = selectors.implementation_tallied_total(user=user, values=values)
        # The page's rows carry the list's count: one query for both (from the tallies when they can tell).
        rows = selectors.implementation_rows(implementations).annotate(
            **{TOTAL_ROWS: total or row_count(implementations)}
        )
        pagination: Pagination | ImplementationCursorPagination = paginator
        if "cursor" in request.query_params:
            if request.query_params.get("ordering"):
                raise InvalidFilters({"cursor": [gettext("A cursor follows the default order: leave out ordering.")]})
            pagination = ImplementationCursorPagination()
        page = pagination.paginate_queryset(rows, request, view=self)
        return pagination.get_paginated_response(ImplementationOut(page, many=True).data)


class ImplementationCursorPagination(ForwardCursorPagination):
    """The list's default order. DRF places a cursor by the first column (a declaration) and an offset
    among its rows; the pages are `.values()` rows, so the column is read by its lookup name."""

    ordering = selectors.IMPLEMENTATION_ORDER


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="An ETag you read: 304 with no body while it is still current.",
)


class ImplementationDetail(ApiView):
    @extend_schema(
        operation_id="implementations_retrieve",
        summary="One implementation; ETag and Last-Modified for conditional requests",
        description="The current state of one implementation. Its ETag names its version: send it in If-Match "
        "when reporting (a stale one is a 412), or in If-None-Match to ask only whether it changed (304).",
        parameters=[IF_NONE_MATCH],
        responses={
            200: OpenApiResponse(ImplementationOut, description="The implementation."),
            304: OpenApiResponse(description="Not modified: the If-None-Match ETag is still current."),
        },
        examples=[OpenApiExample("Mexico on an action", value=IMPLEMENTATION_EXAMPLE, response_only=True)],
        extensions={"x-response-headers": {"200": ETAG_HEADERS, "304": ETAG_HEADERS}},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        implementation = _visible_implementation(request, pk)
        if sees_validated_only(request.user):
            implementation = selectors.implementation_validated(implementation=implementation)
        etag = implementation_etag(implementation.pk, implementation.version)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return _with_validators(HttpResponse(status=304), implementation)
        return _with_validators(Response(ImplementationOut(implementation).data), implementation)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag you read (`*`: whatever the current version). Missing → 428; stale → 412, nothing written.",
)


class ImplementationUpdates(ApiView):
    parser_classes = [JSONParser]
    query_parameters = {"get": PAGE_PARAMETERS}

    @extend_schema(
        operation_id="implementations_updates_list",
        summary="The implementation's history, newest first",
        description="Every update reported on the implementation, newest first, with its review and evidence.",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(StatusUpdateOut, "StatusUpdate")},
        examples=[OpenApiExample("History", value=page_example(UPDATE_EXAMPLE), response_only=True)],
    )
    @read_only_view
    def get(self, request: Request, pk: int) -> Response:
        implementation = _visible_implementation(request, pk)
        paginator = Pagination()
        validated_only = sees_validated_only(request.user)
        history = (
            selectors.validated_history(implementation=implementation)
            if validated_only
            else selectors.implementation_history(implementation=implementation)
        )
        page = paginator.paginate_queryset(history, request, view=self)
        context = {"request": request, "hide_comments": validated_only}
        return paginator.get_paginated_response(StatusUpdateOut(page, many=True, context=context).data)

    @extend_schema(
        operation_id="implementations_updates_create",
        summary="Report a new update (officials of the implementation's country)",
        description="Appends an update to the history and makes it the implementation's current state. "
        "Send the ETag you read in If-Match: without it 428, with a stale one 412 (the body's `current` holds "
        "the state to reconcile with; nothing is written). Links ride along; files go to the evidence endpoint.",
        request={"application/json": StatusUpdateIn},
        parameters=[IF_MATCH],
        responses={
            201: OpenApiResponse(StatusUpdateOut, description="The update as recorded."),
            412: OpenApiResponse(description="Stale If-Match: the body holds the current state under `current`."),
            428: OpenApiResponse(description="No If-Match header: read the implementation and send its ETag."),
        },
        examples=[
            OpenApiExample(
                "In progress with a link",
                value={
                    "status": "in_progress",
                    "progress": 40,
                    "summary": "Two technical meetings held.",
                    "links": [{"url": "https://www.gob.mx/inm", "title": "Minutes"}],
                },
                request_only=True,
            ),
            OpenApiExample("Recorded", value=UPDATE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
        extensions={"x-response-headers": {"201": ETAG_HEADERS, "412": {"ETag": ETAG_HEADERS["ETag"]}}},
    )
    def post(self, request: Request, pk: int) -> HttpResponseBase:
        implementation = _visible_implementation(request, pk)
        services.report_allowed(implementation=implementation, by=request.user)
        if not request.headers.get("If-Match"):
            raise Problem(
                428,
                _(
                    "Send the implementation's ETag in an If-Match header, so an update never overwrites "
                    "one you have not seen. Read it from GET on the implementation."
                ),
                headers={"ETag": implementation_etag(implementation.pk, implementation.version)},
            )
        payload = StatusUpdateIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            update = services.report_update(
                implementation=implementation,
                by=_user(request),
                status=data["status"],
                progress=data["progress"],
                summary=data["summary"],
                expected_version=_expected_version(request, implementation),
                links=[services.LinkInput(url=link["url"], title=link["title"]) for link in data["links"]],
            )
        except services.StaleVersion as exc:
            raise Problem(
                412,
                _(
                    "The implementation changed since you read it; nothing was written. "
                    "Read the current state and send its ETag in If-Match to report again."
                ),
                current=ImplementationOut(exc.current, context={"request": request}).data,
                headers={"ETag": implementation_etag(exc.current.pk, exc.current.version)},
            ) from exc
        recorded = selectors.update_get(pk=update.pk)
        response = Response(StatusUpdateOut(recorded, context={"request": request}).data, status=201)
        return _with_validators(response, recorded.implementation)


def implementation_etag(pk: int, version: int) -> str:
    return f'"implementation-{pk}-v{version}"'


def _expected_version(request: Request, implementation: Implementation) -> int | None:
    """The version named by If-Match, -1 for an ETag that is not this implementation's (never matches)."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    for etag in parse_etags(header):
        prefix = f'"implementation-{implementation.pk}-v'
        if etag.startswith(prefix) and etag.endswith('"') and etag[len(prefix) : -1].isdigit():
            return int(etag[len(prefix) : -1])
    return -1


class UpdateEvidence(ApiView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="updates_evidence_create",
        summary="Attach a link (JSON) or a file (multipart) to an update",
        description="One piece of evidence per request: a link as JSON `{url, title}`, or a file as "
        "multipart/form-data `file` (+ `title`). Only while the update is not reviewed, by an official of its "
        "country. The file's content decides its type (415 otherwise); its size is limited (413).",
        request={"application/json": EvidenceLinkIn, "multipart/form-data": EvidenceFileIn},
        responses={
            201: OpenApiResponse(EvidenceOut, description="The evidence as recorded."),
            409: OpenApiResponse(description="The update has been reviewed: send a new update with the evidence."),
            413: OpenApiResponse(description="The file is larger than the limit."),
            415: OpenApiResponse(description="The file's content is not an accepted type."),
        },
        examples=[
            OpenApiExample(
                "A link",
                value={"url": "https://www.gob.mx/inm", "title": "Signed minutes"},
                request_only=True,
                media_type="application/json",
            ),
            OpenApiExample(
                "A stored file",
                value={
                    "id": 13,
                    "kind": "file",
                    "title": "Signed minutes",
                    "url": "",
                    "original_name": "informe.pdf",
                    "size": 48213,
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "content_type": "application/pdf",
                    "download_url": "https://rcm.example.org/api/v1/evidence/13/download/",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        update = selectors.update_get(pk=pk)
        if not can_view_implementation(request.user, update.implementation):
            raise StatusUpdate.DoesNotExist(_("No such update."))
        services.evidence_allowed(update=update, by=request.user)
        is_file = (request.content_type or "").startswith("multipart/")
        payload: serializers.Serializer[Evidence] = (
            EvidenceFileIn(data=request.data) if is_file else EvidenceLinkIn(data=request.data)
        )
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        upload = data.get("file")
        try:
            created = services.evidence_attach(
                update=update,
                by=_user(request),
                links=[services.LinkInput(url=data["url"], title=data["title"])] if not is_file else [],
                files=[services.FileInput(stream=upload, name=upload.name, size=upload.size, title=data["title"])]
                if upload
                else [],
            )
        except services.UpdateClosed as exc:
            raise Problem(
                409,
                _(
                    "This update has been reviewed (%(state)s) and is closed: evidence can no longer be added. "
                    "Send a new update with the evidence."
                )
                % {"state": exc.update.get_review_state_display()},
                review_state=exc.update.review_state,
                new_update=reverse("api:implementation-updates", args=[exc.update.implementation_id]),
            ) from exc
        return Response(EvidenceOut(created[0], context={"request": request}).data, status=201)


class ReviewIn(serializers.Serializer[Review]):
    decision = serializers.ChoiceField(choices=["accept", "return"])
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to return: what to add or correct."
    )


REVIEW_DECISIONS = {"accept": ReviewState.ACCEPTED, "return": ReviewState.RETURNED}


class UpdateReview(ApiView):
    @extend_schema(
        operation_id="updates_review_create",
        summary="Accept an update, or return it with a comment (secretariat)",
        description="The same rules as the review page: only the secretariat, only an update awaiting review, "
        "a comment to return. The implementation gets a new version (ETag) and updated_at.",
        request=ReviewIn,
        responses={
            201: StatusUpdateOut,
            403: OpenApiResponse(description="Not the secretariat."),
            409: OpenApiResponse(description="The update has already been reviewed."),
        },
        examples=[
            OpenApiExample("Accept", value={"decision": "accept"}, request_only=True),
            OpenApiExample(
                "Return", value={"decision": "return", "comment": "Attach the signed minutes."}, request_only=True
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        update = selectors.update_get(pk=pk)
        if not can_view_implementation(request.user, update.implementation):
            raise StatusUpdate.DoesNotExist(_("No such update."))
        services.review_allowed(by=request.user)
        payload = ReviewIn(data=request.data)
        payload.is_valid(raise_exception=True)
        if update.review_state != ReviewState.PENDING:
            raise Problem(409, _("This update has already been reviewed."), review_state=update.review_state)
        services.review_update(
            update=update,
            by=_user(request),
            decision=REVIEW_DECISIONS[payload.validated_data["decision"]],
            comment=payload.validated_data["comment"],
        )
        return Response(StatusUpdateOut(selectors.update_get(pk=update.pk)).data, status=201)


class EvidenceDownload(ApiView):
    @extend_schema(
        operation_id="evidence_download",
        summary="Download an evidence file (as an attachment)",
        description="The file as uploaded, with Content-Disposition naming its original name. Anyone who may "
        "read the implementation may download it.",
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The evidence's id (`id` of an EvidenceOut of kind `file`).",
                examples=[OpenApiExample("An uploaded file", value=13)],
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return evidence_file_response(downloadable_evidence(user=request.user, pk=pk))


class SummaryParams(serializers.Serializer[Any]):
    declaration = serializers.PrimaryKeyRelatedField(queryset=Declaration.objects.all(), required=False)
    round = serializers.PrimaryKeyRelatedField(queryset=ReportingRound.objects.all(), required=False)
    as_of = serializers.DateField(required=False, validators=[validate_date_in_range])
    accepted_only = serializers.BooleanField(required=False, default=False)


class SummaryRowOut(serializers.Serializer[selectors.SummaryRow]):
    country = serializers.CharField(source="country.iso3", help_text="ISO3 code.")
    name = serializers.CharField(source="country.name_en", help_text="The country's English name.")
    total = serializers.IntegerField(min_value=0, help_text="Implementations counted.")
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Status code → count (every status, zeros included)."
    )
    pending_review = serializers.IntegerField(
        min_value=0,
        help_text="The country's updates awaiting the secretariat's review now (the review queue, whatever `round`, "
        "`as_of` or `accepted_only` ask). What they report counts in `counts` unless `accepted_only` is true.",
    )


SUMMARY_PARAMETERS = [
    OpenApiParameter("declaration", OpenApiTypes.INT, description="Only this declaration."),
    OpenApiParameter(
        "round", OpenApiTypes.INT, description="State as reported in this round (unreported: not_reported)."
    ),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="State at the end of this day."),
    OpenApiParameter("accepted_only", OpenApiTypes.BOOL, description="Count only reports the secretariat accepted."),
]


class Summary(ApiView):
    query_parameters = {"get": SUMMARY_PARAMETERS}

    @extend_schema(
        operation_id="summary_retrieve",
        summary="Counts of implementations per country × status",
        description="For each Member Country, how many implementations are in each status (`statuses` lists "
        "them in order), optionally for one declaration, one round's reports, a past day or accepted reports only.",
        parameters=SUMMARY_PARAMETERS,
        responses={
            200: inline_serializer(
                "Summary",
                {
                    "statuses": serializers.ListField(
                        child=serializers.ChoiceField(choices=Status.choices), help_text="Every status, in order."
                    ),
                    "countries": SummaryRowOut(many=True),
                },
            ),
        },
        examples=[
            OpenApiExample(
                "Two statuses",
                value={
                    "statuses": Status.values,
                    "countries": [
                        {
                            "country": "MEX",
                            "name": "Mexico",
                            "total": 28,
                            "counts": {**dict.fromkeys(Status.values, 0), "not_reported": 20, "in_progress": 8},
                            "pending_review": 3,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    @read_only_view
    def get(self, request: Request) -> Response:
        params = SummaryParams(data=request.query_params)
        if not params.is_valid():
            raise InvalidFilters({name: [str(m) for m in messages] for name, messages in params.errors.items()})
        data = params.validated_data
        rows = selectors.implementation_summary(
            user=_user(request),
            declaration=data.get("declaration"),
            reporting_round=data.get("round"),
            as_of=data.get("as_of"),
            accepted_only=data["accepted_only"] or sees_validated_only(request.user),
        )
        if sees_validated_only(request.user):
            # Observers read what was accepted: how much awaits review is the secretariat's and the countries'.
            rows = [dataclasses.replace(row, pending_review=0) for row in rows]
        return Response({"statuses": Status.values, "countries": SummaryRowOut(cast(Any, rows), many=True).data})
