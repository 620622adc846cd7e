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
