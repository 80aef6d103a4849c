"""JSON Schema of the benchmark registry file (format 1); semantic rules live in benchmarks.py."""

from tracker.domain.checklist_schema import DATE, ID, TEXT, VERSION

# A BCP 47 tag as the registry uses them: a language ("en", "zh", "yue"), optionally its script
# ("zh-Hans") and region ("pt-BR", "es-419").
LANGUAGE_TAG_PATTERN = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
HTTP_URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"

LANGUAGE_TAG = {
    "type": "string",
    "pattern": LANGUAGE_TAG_PATTERN,
    "x-pattern": "'{value}' is not a language tag: use a BCP 47 tag such as en, zh, zh-Hans "
    "or pt-BR",
}
HTTP_URL = {
    "type": "string",
    "pattern": HTTP_URL_PATTERN,
    "x-pattern": "'{value}' is not an http(s) link",
}
# The values of ScaleKind (benchmarks.py imports this module, so it cannot be imported here; a
# test keeps the two equal).
SCALES = ["number", "grades"]

_NAMED = {
    "type": "object",
    "properties": {"id": ID, "name": TEXT},
    "required": ["id", "name"],
    "additionalProperties": False,
}

_RELEASE = {
    "type": "object",
    "properties": {"id": VERSION, "released": DATE},
    "required": ["id"],
    "additionalProperties": False,
}

_METRIC = {
    "type": "object",
    "properties": {
        "id": ID,
        "name": TEXT,
        "definition": TEXT,
        "scale": {"type": "string", "enum": SCALES, "x-kind": "scale"},
        "lower_is_better": {"type": "boolean"},
        "unit": {"type": "string", "maxLength": 20},
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
        "levels": {"type": "array", "items": _NAMED, "minItems": 2},
    },
    "required": ["id", "name", "definition", "scale", "lower_is_better"],
    "additionalProperties": False,
}

_BENCHMARK = {
    "type": "object",
    "properties": {
        "id": ID,
        "name": TEXT,
        "homepage": HTTP_URL,
        "description": TEXT,
        "versions": {"type": "array", "items": _RELEASE, "minItems": 1},
        "configurations": {"type": "array", "items": _NAMED},
        "languages": {
            "type": "array",
            "items": LANGUAGE_TAG,
            "minItems": 1,
            "uniqueItems": True,
        },
        "metrics": {"type": "array", "items": _METRIC, "minItems": 1},
        "sources": {"type": "array", "items": HTTP_URL, "minItems": 1, "uniqueItems": True},
    },
    "required": [
        "id",
        "name",
        "homepage",
        "description",
        "versions",
        "metrics",
        "sources",
    ],
    "additionalProperties": False,
}

REGISTRY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "format": {"const": 1},
        "benchmarks": {"type": "array", "items": _BENCHMARK, "minItems": 1},
    },
    "required": ["format", "benchmarks"],
    "additionalProperties": False,
}
