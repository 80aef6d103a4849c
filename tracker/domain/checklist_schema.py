"""JSON Schema of a checklist file (format 1); semantic rules live in checklist.py."""

from tracker.domain.crosswalk import KNOWN_TAGS
from tracker.domain.statuses import Status

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ITEM_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.\-]*$"

# The message for a value that does not match (tracker.domain.yamlfile reads "x-pattern").
ID = {
    "type": "string",
    "pattern": ID_PATTERN,
    "x-pattern": "'{value}' is not a valid id: use lowercase letters, digits and '-'",
}
_ITEM_ID = {
    "type": "string",
    "pattern": ITEM_ID_PATTERN,
    "x-pattern": "'{value}' is not a valid item id: use '<commitment id>.<name>' in "
    "lowercase letters, digits and '-'",
}
DATE = {
    "type": "string",
    "pattern": DATE_PATTERN,
    "x-pattern": "'{value}' is not a date: use YYYY-MM or YYYY-MM-DD",
}
VERSION = {
    "type": "string",
    "pattern": VERSION_PATTERN,
    "x-pattern": "'{value}' is not a valid version: use letters, digits, '.' and '-'",
}

TEXT = {
    "type": "object",
    "properties": {
        "en": {"type": "string", "minLength": 1, "pattern": r"\S"},
        "zh": {"type": "string", "minLength": 1, "pattern": r"\S"},
    },
    "required": ["en", "zh"],
    "additionalProperties": False,
    "x-kind": "text",
}

_OPTION = {
    "type": "object",
    "properties": {"id": ID, "label": TEXT},
    "required": ["id", "label"],
    "additionalProperties": False,
}

_FIELD = {
    "type": "object",
    "properties": {
        "id": ID,
        "type": {"type": "string", "enum": ["multi_select"], "x-kind": "field type"},
        "label": TEXT,
        "allow_other": {"type": "boolean"},
        "options": {"type": "array", "items": _OPTION, "minItems": 1},
    },
    "required": ["id", "type", "label", "options"],
    "additionalProperties": False,
}

_ITEM = {
    "type": "object",
    "properties": {
        "id": _ITEM_ID,
        "title": TEXT,
        "guidance": TEXT,
        "required": {"type": "boolean"},
        "weight": {"type": "number", "exclusiveMinimum": 0},
        "statuses": {
            "type": "array",
            "items": {"type": "string", "enum": [s.value for s in Status], "x-kind": "status"},
            "minItems": 1,
            "uniqueItems": True,
        },
        "answer": {
            "type": "object",
            "properties": {
                "narrative": {"type": "boolean"},
                "evidence": {"type": "boolean"},
                "fields": {"type": "array", "items": _FIELD},
                # The item takes benchmark results (tracker.domain.results), any number of them.
                "results": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "crosswalk": {
            "type": "array",
            "items": {"type": "string", "enum": list(KNOWN_TAGS), "x-kind": "crosswalk tag"},
            "uniqueItems": True,
        },
    },
    "required": ["id", "title", "guidance"],
    "additionalProperties": False,
}

_COMMITMENT = {
    "type": "object",
    "properties": {
        "id": ID,
        "title": TEXT,
        "guidance": TEXT,
        "items": {"type": "array", "items": _ITEM, "minItems": 1},
    },
    "required": ["id", "title", "guidance", "items"],
    "additionalProperties": False,
}

CHECKLIST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "format": {"const": 1},
        "id": ID,
        "version": VERSION,
        "released": DATE,
        "title": TEXT,
        "publisher": TEXT,
        "source": TEXT,
        "commitments": {"type": "array", "items": _COMMITMENT, "minItems": 1},
    },
    "required": [
        "format",
        "id",
        "version",
        "released",
        "title",
        "publisher",
        "source",
        "commitments",
    ],
    "additionalProperties": False,
}
