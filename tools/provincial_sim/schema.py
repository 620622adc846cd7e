"""The request-body schema of ``POST /submissions`` (mirrors docs/openapi.yaml; a test checks).

The simulator validates every batch against it, so anything the OpenAPI document calls invalid is
answered 400, and anything it calls valid is answered per item.
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 500

SUBMISSION_ITEM: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "submission_id",
        "kind",
        "receipt_code",
        "created_at",
        "metadata",
        "envelope",
        "content_sha256",
    ],
    "properties": {
        "submission_id": {
            "type": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        },
        "kind": {"type": "string", "enum": ["legal_aid", "visit_booking"]},
        "receipt_code": {"type": "string", "pattern": "^([2-9]{8}|[2-9]{12})$"},
        "created_at": {"type": "number", "minimum": 0},
        "metadata": {
            "type": "object",
            "maxProperties": 32,
            "additionalProperties": {"type": "string", "maxLength": 200},
        },
        "envelope": {"type": "string", "minLength": 1, "maxLength": 2000000},
        "content_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}

BATCH_REQUEST: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items"],
    "properties": {
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ITEMS,
            "items": SUBMISSION_ITEM,
        }
    },
}

# ``POST /health`` (kiosk.health.HealthReport; docs/openapi.yaml ``HealthReport``). Closed:
# a field the document doesn't name — resident data included — is refused with 400.
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_SECONDS_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
_TEXT: dict[str, Any] = {"type": "string", "maxLength": 300}

DEVICE_STATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["state"],
    "properties": {
        "state": {"type": "string", "enum": ["ok", "busy", "fault", "absent"]},
        "detail": _TEXT,
        "needs_staff": {"type": "boolean"},
    },
}

HEALTH_REPORT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "terminal_id",
        "generated_at",
        "app_version",
        "queued",
        "sending",
        "rejected",
        "accepted",
        "devices",
        "disk_free_bytes",
        "clock_skew_s",
    ],
    "properties": {
        "terminal_id": {"type": "string", "maxLength": 64},
        "generated_at": {"type": "number"},
        "app_version": {"type": "string", "maxLength": 64},
        "pack": {"type": "string", "maxLength": 100},
        "queued": _COUNT,
        "sending": _COUNT,
        "rejected": _COUNT,
        "accepted": _COUNT,
        "oldest_waiting_s": _SECONDS_OR_NULL,
        "last_success_at": _SECONDS_OR_NULL,
        "devices": {"type": "object", "maxProperties": 16, "additionalProperties": DEVICE_STATE},
        "disk_free_bytes": _COUNT,
        "disk_total_bytes": _COUNT,
        "uptime_s": _SECONDS_OR_NULL,
        "memory_rss_bytes": {"type": ["integer", "null"], "minimum": 0},
        "clock_skew_s": {"type": "number"},
        "last_sync_problem": {"type": ["string", "null"], "maxLength": 300},
        "problems": {"type": "array", "maxItems": 20, "items": _TEXT},
    },
}
