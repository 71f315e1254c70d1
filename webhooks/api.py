"""GET /api/v1/events/: the change feed, append-only, resumable with `after`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ApiView, UtcDateTimeField
from core.filters import InvalidFilters
from core.permissions import sees_validated_only
from webhooks import selectors
from webhooks.models import Event, EventType


class EventOut(serializers.ModelSerializer[Event]):
    id = serializers.IntegerField(read_only=True, min_value=1, help_text="Grows with every event; the cursor.")
    type = serializers.ChoiceField(choices=EventType.choices, read_only=True)
    created_at = UtcDateTimeField(read_only=True)
    data = serializers.DictField(read_only=True, help_text="What happened; the same as a webhook's `data`.")  # type: ignore[assignment]

    class Meta:
        model = Event
        fields = ["id", "type", "created_at", "data"]


EVENT_PARAMETERS = [
    OpenApiParameter(
        "after",
        OpenApiTypes.INT,
        description="Only events after this id (0 or absent: from the first). Send the `after` of the last answer.",
    )
]


class EventFeed(ApiView):
    query_parameters = {"get": EVENT_PARAMETERS}

    @extend_schema(
        operation_id="events_list",
        summary="The change feed: events in order, from a cursor",
        description="The same events webhooks deliver (update submitted or reviewed, declaration loaded or "
        "corrected, round opened or closed), oldest first, at most 100 an answer. Keep the `after` of the "
        "answer and send it next time to catch up after downtime; `has_more` says whether to ask again now.",
        parameters=EVENT_PARAMETERS,
        responses={
            200: inline_serializer(
                "EventPage",
                {
                    "results": EventOut(many=True),
                    "after": serializers.IntegerField(min_value=0, help_text="The cursor for the next call."),
                    "has_more": serializers.BooleanField(),
                },
            )
        },
        examples=[
            OpenApiExample(
                "One event",
                value={
                    "results": [
                        {
                            "id": 41,
                            "type": "update.submitted",
                            "created_at": "2026-11-03T15:04:05Z",
                            "data": {"update": 12, "implementation": 8, "country": "MEX", "status": "in_progress"},
                        }
                    ],
                    "after": 41,
                    "has_more": False,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("after", "") or "0"
        if not raw.isdigit():
            raise InvalidFilters({"after": [_("Send the `after` of a previous answer (a whole number).")]})
        after = int(raw)
        events = selectors.event_feed(
            after=after, limit=selectors.FEED_PAGE + 1, validated_only=sees_validated_only(request.user)
        )
        page = events[: selectors.FEED_PAGE]
        return Response(
            {
                "results": EventOut(page, many=True).data,
                "after": page[-1].pk if page else after,
                "has_more": len(events) > len(page),
            }
        )
