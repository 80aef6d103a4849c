"""The demo's fictional companies and narrative building blocks, read from data/*.yaml."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DemoCompany:
    slug: str
    name_en: str
    name_zh: str
    website: str
    signed_on: str
    profile: str  # leader, solid, mixed, early: how complete its practices are
    language: str  # zh, en or both: the language its officers write in


@cache
def companies() -> tuple[DemoCompany, ...]:
    raw = yaml.safe_load((DATA_DIR / "companies.yaml").read_text(encoding="utf-8"))
    return tuple(
        DemoCompany(
            slug=c["slug"],
            name_en=c["name"]["en"],
            name_zh=c["name"]["zh"],
            website=c["website"],
            signed_on=str(c["signed_on"]),
            profile=c["profile"],
            language=c["language"],
        )
        for c in raw
    )


@cache
def narratives() -> dict:
    """Item id -> {status -> [{en, zh}], evidence -> [...]}, plus the ``_`` prefixed extras."""
    return yaml.safe_load((DATA_DIR / "narratives.yaml").read_text(encoding="utf-8"))
