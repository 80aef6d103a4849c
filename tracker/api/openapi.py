"""The OpenAPI 3.1 description of /api/v1/. Its schemas are JSON Schema 2020-12, and the tests
validate every API response against the schema of its operation."""

from __future__ import annotations

from functools import cache

from tracker.params import MAX_PAGE, MAX_PER_PAGE

STATUSES = ["met", "partially_met", "not_met", "not_applicable", "not_disclosed"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _page_of(name: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["data", "page", "per_page", "total", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref(name)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            "total": {"type": "integer", "minimum": 0},
            "links": _ref("PageLinks"),
        },
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


DEFAULT_PER_PAGE = 50
# A full disclosure (every item, its narrative and evidence) weighs about 10 kB: a default page
# of them is kept small so that it is served about as fast as a list.
DISCLOSURES_PER_PAGE = 20


def _paging(default: int = DEFAULT_PER_PAGE) -> list[dict]:
    return [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        {
            "name": "per_page",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PER_PAGE,
                "default": default,
            },
        },
    ]


PAGING = _paging()


def _path_param(name: str, description: str, kind: str = "string") -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": kind},
    }


def _get(summary: str, ok: dict, parameters: list | None = None, missing: bool = True) -> dict:
    responses = {"200": ok}
    if parameters and any(p["in"] == "query" for p in parameters):
        responses["400"] = _error("A query parameter is not valid.")
    if missing:
        responses["404"] = _error("Nothing published at this address.")
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


TEXT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["en", "zh"],
    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
}
HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE = {"type": "string", "format": "date"}
SCORE = _nullable({"type": "integer", "minimum": 0, "maximum": 100})


def _object(required: list[str], properties: dict) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


PUBLICATION_FIELDS = {
    "company": SLUG,
    "cycle": SLUG,
    "version": {"type": "integer", "minimum": 1},
    "published_at": {"type": "string", "format": "date-time"},
    "snapshot_sha256": HASH,
    "ledger_sequence": {"type": "integer", "minimum": 1},
    "superseded_by_version": _nullable({"type": "integer", "minimum": 2}),
}

INDEX_KEYS = [
    "openapi",
    "checklists",
    "companies",
    "cycles",
    "ledger",
    "checkpoint",
    "policy",
    "benchmark_results",
    "benchmark_results_eee",
]
B64_HASH = {"type": "string", "pattern": "^[A-Za-z0-9+/]{43}=$", "description": "base64"}
LEDGER_ENTRY_FIELDS = {
    "sequence": {"type": "integer", "minimum": 1},
    "kind": {"enum": ["publication", "correction", "report"]},
    "company": SLUG,
    "cycle": SLUG,
    "version": {"type": "integer", "minimum": 1},
    "published_at": {"type": "string", "format": "date-time"},
    "snapshot_sha256": HASH,
    "supersedes": _nullable({"type": "integer"}),
    "previous_hash": HASH,
    "entry_hash": HASH,
    "renders": _nullable(
        {"type": "integer", "description": "Report entries: the publication entry it renders"}
    ),
    "language": _nullable({"enum": ["en", "zh"]}),
    "document_sha256": _nullable(HASH),
    "leaf_hash": {**HASH, "description": "SHA-256(0x00 || leaf data): the Merkle leaf"},
}

_TEXT_FIELD = {"type": "string"}
_COUNT = _nullable({"type": "integer", "minimum": 1})
# A published benchmark result: where it was published, and every public field of the result
# (tracker.domain.results.Result; the confidential note is never part of it).
BENCHMARK_RESULT_FIELDS = {
    "company": SLUG,
    "company_name": TEXT,
    "cycle": SLUG,
    "disclosure_version": {"type": "integer", "minimum": 1},
    "published_at": {"type": "string", "format": "date-time"},
    "item": {"type": "string", "description": "The checklist item it was filed under"},
    "position": {"type": "integer", "minimum": 1, "description": "Its place among the item's"},
    "benchmark": {"type": "string", "description": "A benchmark id of the registry"},
    "version": {"type": "string", "description": "The benchmark's version that was run"},
    "configuration": {"type": "string", "description": "Prompt set or split; empty: the one"},
    "language": {"type": "string", "description": "BCP 47 tag of the prompts' language"},
    "metric": {"type": "string"},
    "value": {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "description": "A number, or a grade level's id for a graded metric",
    },
    "uncertainty": _nullable(
        {"type": "number", "minimum": 0, "description": "± half-width of the 95 % interval"}
    ),
    "sample_size": _COUNT,
    "breakdown": {
        "type": "array",
        "items": _object(
            ["name", "value"], {"name": {"type": "string"}, "value": {"type": "number"}}
        ),
    },
    "model": {"type": "string", "description": "The exact model id"},
    "model_version": _TEXT_FIELD,
    "subject": {"enum": ["model", "system"]},
    "safeguards": _TEXT_FIELD,
    "generation": _TEXT_FIELD,
    "attempts": _COUNT,
    "tools": _TEXT_FIELD,
    "attack": _TEXT_FIELD,
    "grader": {"enum": ["rules", "human", "llm_judge"]},
    "judge_model": _TEXT_FIELD,
    "judge_prompt": _TEXT_FIELD,
    "run_by": _TEXT_FIELD,
    "relationship": {"enum": ["first_party", "third_party", "commissioned"]},
    "run_on": DATE,
    "harness": _TEXT_FIELD,
    "harness_version": _TEXT_FIELD,
    "results_url": _TEXT_FIELD,
}

SCHEMAS = {
    "Error": _object(
        ["error"],
        {
            "error": _object(
                ["status", "message"],
                {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    # Refusals name their case and give a title as well.
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                },
            )
        },
    ),
    "PageLinks": _object(
        ["self", "next", "prev"],
        {
            "self": {"type": "string"},
            "next": _nullable({"type": "string"}),
            "prev": _nullable({"type": "string"}),
        },
    ),
    "Index": _object(
        INDEX_KEYS,
        {k: {"type": "string"} for k in INDEX_KEYS},
    ),
    "ChecklistSummary": _object(
        ["id", "version", "released", "title", "content_sha256", "items"],
        {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "released": {"type": "string"},
            "title": TEXT,
            "content_sha256": HASH,
            "items": {"type": "integer", "minimum": 0},
        },
    ),
    "Field": _object(
        ["id", "type", "label", "allow_other", "options"],
        {
            "id": {"type": "string"},
            "type": {"type": "string"},
            "label": TEXT,
            "allow_other": {"type": "boolean"},
            "options": {
                "type": "array",
                "items": _object(["id", "label"], {"id": {"type": "string"}, "label": TEXT}),
            },
        },
    ),
    "Item": _object(
        [
            "id",
            "commitment",
            "title",
            "guidance",
            "required",
            "weight",
            "statuses",
            "fields",
            "crosswalk",
        ],
        {
            "id": {"type": "string"},
            "commitment": {"type": "string"},
            "title": TEXT,
            "guidance": TEXT,
            "required": {"type": "boolean"},
            "weight": {"type": "number"},
            "statuses": {"type": "array", "items": {"enum": STATUSES}},
            "fields": {"type": "array", "items": _ref("Field")},
            "crosswalk": {"type": "array", "items": {"type": "string"}},
        },
    ),
    "Checklist": _object(
        [
            "id",
            "version",
            "released",
            "title",
            "content_sha256",
            "items",
            "publisher",
            "source",
            "commitments",
        ],
        {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "released": {"type": "string"},
            "title": TEXT,
            "content_sha256": HASH,
            "items": {"type": "integer", "minimum": 0},
            "publisher": TEXT,
            "source": TEXT,
            "commitments": {
                "type": "array",
                "items": _object(
                    ["id", "title", "guidance", "items"],
                    {
                        "id": {"type": "string"},
                        "title": TEXT,
                        "guidance": TEXT,
                        "items": {"type": "array", "items": _ref("Item")},
                    },
                ),
            },
        },
    ),
    "Company": _object(
        ["slug", "name", "website", "signatory_since"],
        {
            "slug": SLUG,
            "name": TEXT,
            "website": _nullable({"type": "string"}),
            "signatory_since": _nullable(DATE),
        },
    ),
    "CompanyWithPublications": _object(
        ["slug", "name", "website", "signatory_since", "publications"],
        {
            "slug": SLUG,
            "name": TEXT,
            "website": _nullable({"type": "string"}),
            "signatory_since": _nullable(DATE),
            "publications": {"type": "array", "items": _ref("PublicationSummary")},
        },
    ),
    "Cycle": _object(
        ["slug", "name", "checklist", "opens_on", "due_on", "closes_on", "phase"],
        {
            "slug": SLUG,
            "name": TEXT,
            "checklist": _object(
                ["id", "version"], {"id": {"type": "string"}, "version": {"type": "string"}}
            ),
            "opens_on": DATE,
            "due_on": DATE,
            "closes_on": _nullable(DATE),
            "phase": {"enum": ["planned", "open", "closed"]},
        },
    ),
    "PublicationSummary": _object(list(PUBLICATION_FIELDS), PUBLICATION_FIELDS),
    "Scores": _object(
        ["overall", "by_commitment"],
        {"overall": SCORE, "by_commitment": {"type": "object", "additionalProperties": SCORE}},
    ),
    "PublishedItem": _object(
        [
            "id",
            "status",
            "not_applicable_reason",
            "narrative",
            "narrative_language",
            "narrative_translation",
            "evidence_links",
            "structured",
        ],
        {
            "id": {"type": "string"},
            "status": _nullable({"enum": STATUSES}),
            "not_applicable_reason": {"type": "string"},
            "narrative": {"type": "string", "description": "Markdown, as the company wrote it"},
            "narrative_language": _nullable(
                {
                    "enum": ["en", "zh-CN"],
                    "description": "The language the narrative is written in (null without "
                    "a narrative): as the company recorded it, or detected from its script "
                    "for versions published before it was recorded",
                }
            ),
            "narrative_translation": {
                "type": "string",
                "description": "Markdown: the company's version of the narrative in the "
                "other language, empty when it wrote none",
            },
            "evidence_links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url"],
                    "properties": {"url": {"type": "string"}, "title": {"type": "string"}},
                },
            },
            "structured": {
                "type": "object",
                "additionalProperties": _object(
                    [],
                    {
                        "selected": {"type": "array", "items": {"type": "string"}},
                        "other": {"type": "array", "items": {"type": "string"}},
                    },
                ),
            },
        },
    ),
    "Disclosure": _object(
        [*PUBLICATION_FIELDS, "checklist", "entry_hash", "scores", "items"],
        PUBLICATION_FIELDS
        | {
            "checklist": _object(
                ["id", "version"], {"id": {"type": "string"}, "version": {"type": "string"}}
            ),
            "entry_hash": HASH,
            "scores": _ref("Scores"),
            "items": {"type": "array", "items": _ref("PublishedItem")},
        },
    ),
    "Matrix": _object(
        [
            "cycle",
            "checklist",
            "ledger_head",
            "published",
            "invited",
            "companies",
            "adoption",
            "benchmarks",
            "page",
            "per_page",
            "total",
            "links",
        ],
        {
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            "total": {"type": "integer", "minimum": 0, "description": "Companies published"},
            "links": _ref("PageLinks"),
            "cycle": SLUG,
            "checklist": _object(
                ["id", "version"], {"id": {"type": "string"}, "version": {"type": "string"}}
            ),
            "ledger_head": _nullable(
                _object(
                    ["sequence", "entry_hash"],
                    {"sequence": {"type": "integer"}, "entry_hash": HASH},
                )
            ),
            "published": {"type": "integer"},
            "invited": {"type": "integer"},
            "companies": {
                "type": "array",
                "items": _object(
                    ["company", "version", "scores"],
                    {"company": SLUG, "version": {"type": "integer"}, "scores": _ref("Scores")},
                ),
            },
            "adoption": {
                "type": "array",
                "items": _object(
                    ["item", "adopted", "applicable", "rate", "counts"],
                    {
                        "item": {"type": "string"},
                        "adopted": {"type": "integer"},
                        "applicable": {"type": "integer"},
                        "rate": SCORE,
                        "counts": {
                            "type": "object",
                            "propertyNames": {"enum": [*STATUSES, "unanswered"]},
                            "additionalProperties": {"type": "integer"},
                        },
                    },
                ),
            },
            "benchmarks": {
                "type": "array",
                "items": _object(
                    ["item", "field", "rows"],
                    {
                        "item": {"type": "string"},
                        "field": {"type": "string"},
                        "rows": {
                            "type": "array",
                            "items": _object(
                                ["key", "count", "companies"],
                                {
                                    "key": {"type": "string"},
                                    "count": {
                                        "type": "integer",
                                        "minimum": 1,
                                        "description": "Companies of the cycle that report it",
                                    },
                                    "companies": {
                                        "type": "array",
                                        "items": SLUG,
                                        "description": "Those of them on this page",
                                    },
                                },
                            ),
                        },
                    },
                ),
            },
        },
    ),
    "BenchmarkResult": _object(list(BENCHMARK_RESULT_FIELDS), BENCHMARK_RESULT_FIELDS),
    "LedgerEntry": _object(list(LEDGER_ENTRY_FIELDS), LEDGER_ENTRY_FIELDS),
    "LedgerEntryWithLinks": _object(
        [*LEDGER_ENTRY_FIELDS, "links"],
        LEDGER_ENTRY_FIELDS
        | {
            "links": _object(
                ["leaf", "snapshot", "proof", "bundle"],
                {
                    "leaf": {"type": "string"},
                    "snapshot": _nullable({"type": "string"}),
                    "proof": {"type": "string"},
                    "bundle": _nullable({"type": "string"}),
                },
            )
        },
    ),
    "Checkpoint": _object(
        ["size", "root_hash", "signed_at", "cosigned", "cosignatures", "note"],
        {
            "size": {"type": "integer", "minimum": 0},
            "root_hash": B64_HASH,
            "signed_at": {"type": "string", "format": "date-time"},
            "cosigned": {
                "type": "boolean",
                "description": "Whether the cosignatures meet the policy's quorum",
            },
            "cosignatures": {
                "type": "array",
                "items": _object(
                    ["witness", "timestamp"],
                    {"witness": {"type": "string"}, "timestamp": {"type": "integer"}},
                ),
            },
            "note": {
                "type": "string",
                "description": "The C2SP signed note, with the cosignatures of the policy's "
                "witnesses",
            },
        },
    ),
    "Policy": _object(
        ["text", "sha256", "log", "witnesses", "quorum"],
        {
            "text": {"type": "string", "description": "The C2SP tlog-policy as published"},
            "sha256": HASH,
            "log": _object(
                ["origin", "vkey", "key_id"],
                {
                    "origin": {"type": "string"},
                    "vkey": {"type": "string"},
                    "key_id": {"type": "string", "pattern": "^[0-9a-f]{8}$"},
                },
            ),
            "witnesses": {
                "type": "array",
                "items": _object(
                    ["name", "vkey", "url"],
                    {
                        "name": {"type": "string"},
                        "vkey": {"type": "string"},
                        "url": _nullable({"type": "string"}),
                    },
                ),
            },
            "quorum": {"type": "string"},
        },
    ),
    "Proof": _object(
        ["sequence", "index", "tree_size", "hashes", "checkpoint", "tlog_proof"],
        {
            "sequence": {"type": "integer", "minimum": 1},
            "index": {"type": "integer", "minimum": 0},
            "tree_size": {"type": "integer", "minimum": 1},
            "hashes": {"type": "array", "items": B64_HASH},
            "checkpoint": {"type": "string"},
            "tlog_proof": {"type": "string", "description": "The C2SP tlog-proof file"},
        },
    ),
    "Consistency": _object(
        ["from", "to", "hashes"],
        {
            "from": {"type": "integer", "minimum": 0},
            "to": {"type": "integer", "minimum": 0},
            "hashes": {"type": "array", "items": B64_HASH},
        },
    ),
}


SEQUENCE = _path_param("sequence", "An entry's sequence number", "integer")
SIZE_FROM, SIZE_TO = (
    {
        "name": name,
        "in": "query",
        "required": True,
        "description": f"A tree size the log signed a checkpoint for ({what})",
        "schema": {"type": "integer", "minimum": 0},
    }
    for name, what in (("from", "the older"), ("to", "the newer"))
)


RESULT_FILTERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "maxLength": 100},
    }
    for name, description in (
        ("benchmark", "Only this benchmark's results (a registry id)"),
        ("cycle", "Only this cycle's (its short name)"),
        ("company", "Only this company's (its short name)"),
    )
]


@cache
def document() -> dict:
    """The OpenAPI 3.1 document (built once; it does not change while the app runs)."""
    company, cycle = (
        _path_param("company", "A company's short name"),
        _path_param("cycle", "A cycle's short name"),
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "AI Safety Commitments Tracker: open data",
            "version": "1.0.0",
            "description": "Read-only, published content only: the checklists, the signatory "
            "companies, the reporting cycles, every published version of every "
            "disclosure (current and superseded), each cycle's matrix, the "
            "benchmark results (also as Every Eval Ever records), and the "
            "hash-chained publication ledger. Lists are paginated.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/": _get("Where everything is", _json(_ref("Index"), "Links"), missing=False),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/checklists": _get(
                "Every checklist version",
                _json(
                    _object(
                        ["data"], {"data": {"type": "array", "items": _ref("ChecklistSummary")}}
                    ),
                    "Checklist versions, newest first",
                ),
                missing=False,
            ),
            "/checklists/{checklist}/{version}": _get(
                "One checklist version in full",
                _json(_ref("Checklist"), "The checklist"),
                [_path_param("checklist", "Checklist id"), _path_param("version", "Version")],
            ),
            "/companies": _get(
                "Signatory companies", _json(_page_of("Company"), "A page"), PAGING, missing=True
            ),
            "/companies/{company}": _get(
                "A company and every version it published",
                _json(_ref("CompanyWithPublications"), "The company"),
                [company],
            ),
            "/cycles": _get("Reporting cycles", _json(_page_of("Cycle"), "A page"), PAGING),
            "/cycles/{cycle}": _get(
                "A reporting cycle", _json(_ref("Cycle"), "The cycle"), [cycle]
            ),
            "/cycles/{cycle}/disclosures": _get(
                "The current published version of each company's disclosure in a cycle",
                _json(_page_of("Disclosure"), "A page"),
                [cycle, *_paging(DISCLOSURES_PER_PAGE)],
            ),
            "/cycles/{cycle}/matrix": _get(
                "A page of companies with their scores per commitment; the adoption of every "
                "item and the benchmark counts over every company of the cycle",
                _json(_ref("Matrix"), "The matrix, one page of companies"),
                [cycle, *PAGING],
            ),
            "/disclosures/{company}/{cycle}/{version}": _get(
                "One published version, current or superseded",
                _json(_ref("Disclosure"), "The published version"),
                [company, cycle, _path_param("version", "Version number", "integer")],
            ),
            "/benchmark-results": _get(
                "The current published benchmark results, in the order of cycle, company, item "
                "and position; filtered by benchmark, cycle or company",
                _json(_page_of("BenchmarkResult"), "A page"),
                [*RESULT_FILTERS, *PAGING],
                missing=True,
            ),
            "/benchmark-results/eee": _get(
                "Every current published benchmark result as an Every Eval Ever record "
                "(schema 0.3.0, https://github.com/evaleval/every_eval_ever), one record each",
                _json(
                    {"type": "array", "items": {"type": "object"}},
                    "A JSON array of Every Eval Ever records; each validates against the EEE "
                    "eval.schema.json 0.3.0",
                ),
                missing=False,
            ),
            "/ledger": _get(
                "The publication ledger, in order", _json(_page_of("LedgerEntry"), "A page"), PAGING
            ),
            "/ledger/entries/{sequence}": _get(
                "One ledger entry, with where its leaf, snapshot, proof and bundle are",
                _json(_ref("LedgerEntryWithLinks"), "The entry"),
                [SEQUENCE],
            ),
            "/ledger/checkpoint": _get(
                "The latest checkpoint cosigned by a quorum of the policy's witnesses (until "
                "one is, the latest signed, with cosigned false)",
                _json(_ref("Checkpoint"), "The checkpoint"),
            ),
            "/ledger/checkpoints/{size}": _get(
                "The checkpoint the log signed for a tree of this size",
                _json(_ref("Checkpoint"), "The checkpoint"),
                [_path_param("size", "Tree size", "integer")],
            ),
            "/ledger/policy": _get(
                "The log's trust policy (C2SP tlog-policy)",
                _json(_ref("Policy"), "The policy"),
                missing=False,
            ),
            "/ledger/proof/{sequence}": _get(
                "The entry's inclusion proof in the latest cosigned checkpoint",
                _json(_ref("Proof"), "The proof"),
                [SEQUENCE],
            ),
            "/ledger/consistency": _get(
                "The consistency proof from one signed tree size to a larger one",
                _json(_ref("Consistency"), "The proof"),
                [SIZE_FROM, SIZE_TO],
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
