"""Answers of the JSON API checked against its OpenAPI document."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from tracker.api.openapi import document


def conforms(path_template: str, response) -> dict:
    """The response's JSON, after checking it against the document's schema for it."""
    spec = document()
    operation = spec["paths"][path_template]["get"]
    assert str(response.status_code) in operation["responses"], (path_template, response.status)
    media = operation["responses"][str(response.status_code)]["content"]["application/json"]
    body = response.get_json()
    schema = {"components": spec["components"], **media["schema"]}
    errors = list(
        Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(body)
    )
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return body
