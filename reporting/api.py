"""The reporting API: implementations, their history, updates, evidence and the summary.

Views are thin: they parse input with an input serializer, call the same services and
selectors as the HTML pages, and render with an output serializer.
"""

from __future__ import annotations

import datetime
from email.utils import format_datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Expression, Subquery
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils import timezone
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
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.models import User
from core.api import (
    PAGE_PARAMETERS,
    ApiView,
    Pagination,
    Problem,
    decode_cursor,
    encode_cursor,
    paginated,
    row_count,
    rows_with_count,
)
from core.db_router import read_only_view
from core.filters import InvalidFilters, validate_date_in_range
from core.parsers import JSONParser
from core.permissions import can_report_for, can_view_implementation
from declarations.models import Declaration
from reporting import exports, selectors, services
from reporting.downloads import downloadable_evidence, evidence_file_response
from reporting.history import STATE_STATUS, state_of, state_of_row
from reporting.models import (
    REPORTABLE_STATUSES,
    Evidence,
    Implementation,
    ReportingRound,
    Review,
    Status,
    StatusUpdate,
)

# --- output ---------------------------------------------------------------------------------------


class ImplementationOut(serializers.ModelSerializer[Implementation]):
    declaration = serializers.IntegerField(source="commitment.declaration_id", read_only=True)
    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    commitment_number = serializers.IntegerField(source="commitment.number", read_only=True)
    commitment_text = serializers.CharField(source="commitment.text", read_only=True)
    country = serializers.CharField(source="country.iso3", read_only=True, help_text="ISO3 code.")
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    review_state = serializers.CharField(read_only=True, help_text="pending, accepted, returned, or empty.")

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
        ]

    def to_representation(self, instance: Implementation) -> dict[str, Any]:
        data = super().to_representation(instance)
        if hasattr(instance, STATE_STATUS):
            # `as_of`: the state at that date, from the history; the review state is today's.
            state = state_of(instance)
            data.update(
                status=state.status,
                progress=state.progress,
                last_reported_at=serializers.DateTimeField().to_representation(state.reported_at)
                if state.reported_at
                else None,
                version=state.version,
            )
        return data


def _iso(value: datetime.datetime | None, zone: datetime.tzinfo) -> str | None:
    """A date-time as DRF's DateTimeField renders it: ISO 8601 in the current time zone, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def implementation_row_out(row: dict[str, Any], zone: datetime.tzinfo) -> dict[str, Any]:
    """One row of `selectors.implementation_rows` exactly as ImplementationOut renders it.

    The list builds its 100 rows with this plain function instead of a serializer per row: the
    same JSON, a fraction of the time (tests compare the two field by field).
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
        "last_reported_at": _iso(state.reported_at, zone),
        "version": state.version,
        "review_state": row["review_state"],
    }


class EvidenceOut(serializers.ModelSerializer[Evidence]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "title", "url", "original_name", "size", "sha256", "content_type", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence: Evidence) -> str | None:
        if evidence.kind != "file":
            return None
        return f"/api/v1/evidence/{evidence.pk}/download/"


class ReviewOut(serializers.ModelSerializer[Review]):
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True)

    class Meta:
        model = Review
        fields = ["decision", "comment", "reviewed_by", "reviewed_at"]


class StatusUpdateOut(serializers.ModelSerializer[StatusUpdate]):
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    reporting_round = serializers.CharField(source="reporting_round.name", read_only=True, allow_null=True)
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
            return ReviewOut(update.review).data
        except Review.DoesNotExist:
            return None


# --- input ----------------------------------------------------------------------------------------


class LinkIn(serializers.Serializer[services.LinkInput]):
    url = serializers.CharField(max_length=2000, help_text="An http:// or https:// address.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StatusUpdateIn(serializers.Serializer[StatusUpdate]):
    status = serializers.ChoiceField(choices=REPORTABLE_STATUSES)
    progress = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="0–100; completed implies 100, not_started 0."
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


class EvidenceIn(serializers.Serializer[Evidence]):
    url = serializers.CharField(max_length=2000, required=False, help_text="A link (JSON or form field).")
    file = serializers.FileField(required=False, help_text="A file (multipart/form-data).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("url")) == bool(attrs.get("file")):
            raise serializers.ValidationError(_("Send either a url or a file, one per request."))
        return attrs


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
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Reported at or after (ISO 8601)."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words in the commitment's text."),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="State at the end of this day, from the history."),
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
    if implementation.last_reported_at:
        response["Last-Modified"] = format_datetime(implementation.last_reported_at, usegmt=True)
    return response


# --- views ----------------------------------------------------------------------------------------


class ImplementationList(ApiView):
    @extend_schema(
        operation_id="implementations_list",
        summary="Implementations (commitment × country) with their current state",
        parameters=LIST_PARAMETERS,
        responses={
            200: paginated(ImplementationOut, "Implementation"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every matching row, streamed."),
            (200, exports.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Every matching row."),
        },
    )
    @read_only_view
    def get(self, request: Request) -> HttpResponseBase:
        output = request.query_params.get("format", "json")
        if output not in ("json", "csv", "xlsx"):
            raise InvalidFilters({"format": [_("Choose json, csv or xlsx.")]})
        paginator = Pagination()
        paginator.check_params(request)  # an export ignores paging, but not a malformed request
        user = _user(request)
        implementations, values = selectors.implementation_list_filtered(user=user, filters=request.query_params)
        if output == "csv":
            return exports.implementations_csv(implementations)
        if output == "xlsx":
            return exports.implementations_xlsx(implementations)
        total = selectors.implementation_tallied_total(user=user, values=values)
        if "cursor" in request.query_params:
            return _cursor_page(request, implementations, paginator, total=total or row_count(implementations))
        response = paginator.paginate_rows(implementations, request, selectors.implementation_rows, total=total)
        zone = timezone.get_current_timezone()
        response.data["results"] = [implementation_row_out(row, zone) for row in response.data["results"]]
        return response


def _cursor_page(
    request: Request, implementations: Any, paginator: Pagination, *, total: Expression | Subquery
) -> Response:
    """A page after the row the cursor names, in the default order; `next` carries the last row's keys."""
    if request.query_params.get("ordering"):
        raise InvalidFilters({"cursor": [gettext("A cursor follows the default order: leave out ordering.")]})
    after = decode_cursor(request.query_params["cursor"])
    size = paginator.get_page_size(request) or paginator.page_size
    everything = implementations
    if after is not None:
        implementations = selectors.implementation_list_after(implementations, after=after)
    # `total` counts the whole list, not what follows the cursor.
    rows, count = rows_with_count(
        selectors.implementation_rows(implementations), total, slice(0, size + 1), counted=everything
    )
    next_url = None
    if len(rows) > size:
        last = rows[size - 1]
        keys = (last["commitment__declaration_id"], last["commitment__number"], last["country__iso3"], last["id"])
        next_url = remove_query_param(
            replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(keys)), "page"
        )
    zone = timezone.get_current_timezone()
    results = [implementation_row_out(row, zone) for row in rows[:size]]
    return Response({"count": count, "next": next_url, "previous": None, "results": results})


class ImplementationDetail(ApiView):
    @extend_schema(
        operation_id="implementations_retrieve",
        summary="One implementation; ETag and Last-Modified for conditional requests",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={200: ImplementationOut, 304: OpenApiResponse(description="Not modified.")},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        implementation = _visible_implementation(request, pk)
        etag = implementation_etag(implementation.pk, implementation.version)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return _with_validators(HttpResponse(status=304), implementation)
        return _with_validators(Response(ImplementationOut(implementation).data), implementation)


class ImplementationUpdates(ApiView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="implementations_updates_list",
        summary="The implementation's history, newest first",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(StatusUpdateOut, "StatusUpdate")},
    )
    @read_only_view
    def get(self, request: Request, pk: int) -> Response:
        implementation = _visible_implementation(request, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.implementation_history(implementation=implementation), request, view=self
        )
        return paginator.get_paginated_response(StatusUpdateOut(page, many=True).data)

    @extend_schema(
        operation_id="implementations_updates_create",
        summary="Report a new update (officials of the implementation's country)",
        request=StatusUpdateIn,
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The ETag you read. If the implementation changed since: 412 and nothing is written.",
            )
        ],
        responses={
            201: StatusUpdateOut,
            412: OpenApiResponse(description="Stale If-Match: the body holds the current state under `current`."),
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
            )
        ],
    )
    def post(self, request: Request, pk: int) -> HttpResponseBase:
        implementation = _visible_implementation(request, pk)
        if not can_report_for(request.user, implementation):
            raise PermissionDenied(_("Only an official of this country may report on it."))
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
        response = Response(StatusUpdateOut(selectors.update_get(pk=update.pk)).data, status=201)
        return _with_validators(response, implementation)


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
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="updates_evidence_create",
        summary="Attach a link (JSON) or a file (multipart) to an update",
        request={"application/json": EvidenceIn, "multipart/form-data": EvidenceIn},
        responses={
            201: EvidenceOut,
            413: OpenApiResponse(description="The file is larger than the limit."),
            415: OpenApiResponse(description="The file's content is not an accepted type."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        update = selectors.update_get(pk=pk)
        if not can_view_implementation(request.user, update.implementation):
            raise StatusUpdate.DoesNotExist(_("No such update."))
        if not can_report_for(request.user, update.implementation):
            raise PermissionDenied(_("Only an official of this country may add evidence to its reports."))
        payload = EvidenceIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        upload = data.get("file")
        created = services.evidence_attach(
            update=update,
            by=_user(request),
            links=[services.LinkInput(url=data["url"], title=data["title"])] if data.get("url") else [],
            files=[services.FileInput(stream=upload, name=upload.name, size=upload.size, title=data["title"])]
            if upload
            else [],
        )
        return Response(EvidenceOut(created[0]).data, status=201)


class EvidenceDownload(ApiView):
    @extend_schema(
        operation_id="evidence_download",
        summary="Download an evidence file (as an attachment)",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return evidence_file_response(downloadable_evidence(user=request.user, pk=pk))


class SummaryParams(serializers.Serializer[Any]):
    declaration = serializers.PrimaryKeyRelatedField(queryset=Declaration.objects.all(), required=False)
    round = serializers.PrimaryKeyRelatedField(queryset=ReportingRound.objects.all(), required=False)
    as_of = serializers.DateField(required=False, validators=[validate_date_in_range])
    accepted_only = serializers.BooleanField(required=False, default=False)


class SummaryRowOut(serializers.Serializer[selectors.SummaryRow]):
    country = serializers.CharField(source="country.iso3")
    name = serializers.CharField(source="country.name_en")
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Status code → count.")


class Summary(ApiView):
    @extend_schema(
        operation_id="summary_retrieve",
        summary="Counts of implementations per country × status",
        parameters=[
            OpenApiParameter("declaration", OpenApiTypes.INT, description="Only this declaration."),
            OpenApiParameter(
                "round", OpenApiTypes.INT, description="State as reported in this round (unreported: not_reported)."
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="State at the end of this day."),
            OpenApiParameter(
                "accepted_only", OpenApiTypes.BOOL, description="Count only reports the secretariat accepted."
            ),
        ],
        responses={
            200: inline_serializer(
                "Summary",
                {
                    "statuses": serializers.ListField(child=serializers.CharField()),
                    "countries": SummaryRowOut(many=True),
                },
            ),
        },
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
            accepted_only=data["accepted_only"],
        )
        return Response({"statuses": Status.values, "countries": SummaryRowOut(cast(Any, rows), many=True).data})
