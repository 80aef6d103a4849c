"""What an answer to a checklist item may hold, and when a disclosure is complete.

Drafts are saved permissively so that no typing is ever lost: an answer is refused only when it
cannot be right at all (a status the item does not allow, a link that is not http(s), text over
the limits, an option the item does not offer). Whether an answer is *complete* (a reason for
"not applicable", a narrative for "met") is asked at submission.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from tracker.domain.checklist import Checklist, Item
from tracker.domain.languages import LANGUAGES
from tracker.domain.statuses import Status

# The languages a narrative may be recorded in, as HTML language tags; "" leaves it to detection.
NARRATIVE_LANGUAGES: tuple[str, ...] = tuple(language.html for language in LANGUAGES)


@dataclass(frozen=True)
class Limits:
    narrative: int = 20_000  # characters
    note: int = 5_000
    reason: int = 2_000
    links: int = 10  # per item
    link_title: int = 200
    url: int = 2_000
    others: int = 10  # "other" entries in a multi-select
    other_length: int = 100


@dataclass(frozen=True)
class Link:
    url: str
    title: str


@dataclass
class Answer:
    """An item's answer as typed; every field may still be empty in a draft."""

    # A status the form sent that is no Status at all stays a plain string, for answer_problems
    # to refuse.
    status: Status | str | None = None
    not_applicable_reason: str = ""
    narrative: str = ""
    confidential_note: str = ""
    # The narrative's language as the officer chose it (NARRATIVE_LANGUAGES), "" to detect it,
    # and the company's version of the narrative in the other language.
    narrative_language: str = ""
    narrative_translation: str = ""
    links: list[Link] = field(default_factory=list)
    # field id -> {"selected": [option ids], "other": [free text]}
    structured: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def reason_if_not_applicable(status: object, reason: str | None) -> str:
    """The "not applicable" reason as it may be kept and published: only an item whose status
    is not applicable has one (pages never show another; the open data must not either)."""
    return (reason or "") if status == Status.NOT_APPLICABLE else ""


class Problem(StrEnum):
    STATUS_NOT_ALLOWED = "status_not_allowed"
    NARRATIVE_TOO_LONG = "narrative_too_long"
    TRANSLATION_TOO_LONG = "translation_too_long"
    LANGUAGE_NOT_ALLOWED = "language_not_allowed"
    NOTE_TOO_LONG = "note_too_long"
    REASON_TOO_LONG = "reason_too_long"
    TOO_MANY_LINKS = "too_many_links"
    LINK_NOT_HTTP = "link_not_http"
    LINK_TOO_LONG = "link_too_long"
    LINK_TITLE_TOO_LONG = "link_title_too_long"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_OPTION = "unknown_option"
    TOO_MANY_OTHERS = "too_many_others"
    OTHER_TOO_LONG = "other_too_long"
    # completeness, asked at submission
    UNANSWERED = "unanswered"
    REASON_MISSING = "reason_missing"
    NARRATIVE_MISSING = "narrative_missing"


def is_http_url(url: str) -> bool:
    """True for an absolute http or https URL with a host (the only links answers may hold)."""
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. "http://[::1" is not a URL at all
        return False


def answer_problems(item: Item, answer: Answer, limits: Limits) -> list[tuple[str, Problem]]:
    """What makes an answer impossible to save, as (field name, problem) pairs."""
    found: list[tuple[str, Problem]] = []
    if answer.status is not None and answer.status not in item.statuses:
        found.append(("status", Problem.STATUS_NOT_ALLOWED))
    if len(answer.narrative) > limits.narrative:
        found.append(("narrative", Problem.NARRATIVE_TOO_LONG))
    if len(answer.narrative_translation) > limits.narrative:
        found.append(("narrative_translation", Problem.TRANSLATION_TOO_LONG))
    if answer.narrative_language and answer.narrative_language not in NARRATIVE_LANGUAGES:
        found.append(("narrative_language", Problem.LANGUAGE_NOT_ALLOWED))
    if len(answer.confidential_note) > limits.note:
        found.append(("confidential_note", Problem.NOTE_TOO_LONG))
    if len(answer.not_applicable_reason) > limits.reason:
        found.append(("not_applicable_reason", Problem.REASON_TOO_LONG))
    if len(answer.links) > limits.links:
        found.append(("links", Problem.TOO_MANY_LINKS))
    for link in answer.links:
        if len(link.url) > limits.url:
            found.append(("links", Problem.LINK_TOO_LONG))
        elif not is_http_url(link.url):
            found.append(("links", Problem.LINK_NOT_HTTP))
        if len(link.title) > limits.link_title:
            found.append(("links", Problem.LINK_TITLE_TOO_LONG))
    fields = {f.id: f for f in item.fields}
    for field_id, value in answer.structured.items():
        spec = fields.get(field_id)
        if spec is None:
            found.append((field_id, Problem.UNKNOWN_FIELD))
            continue
        options = {o.id for o in spec.options}
        if set(value.get("selected", [])) - options:
            found.append((field_id, Problem.UNKNOWN_OPTION))
        others = value.get("other", [])
        if others and not spec.allow_other:
            found.append((field_id, Problem.UNKNOWN_OPTION))
        if len(others) > limits.others:
            found.append((field_id, Problem.TOO_MANY_OTHERS))
        if any(len(o) > limits.other_length for o in others):
            found.append((field_id, Problem.OTHER_TOO_LONG))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class ReadinessRule:
    """What an item asks of its answer before the disclosure can be submitted, as data: the
    one rule, applied here (``problem``) and, from ``as_json``, by the commitment page's
    script as the officer types."""

    required: bool  # an answer without a status stops the submission
    reason_for: tuple[str, ...]  # statuses that need a "not applicable" reason
    narrative_for: tuple[str, ...]  # statuses that need a narrative (none if the item has none)

    def problem(self, status: object, reason: str, narrative: str) -> Problem | None:
        """Why an answer of this status, reason and narrative is not ready, or None."""
        if status is None or status == "":
            return Problem.UNANSWERED if self.required else None
        if status in self.reason_for and not reason.strip():
            return Problem.REASON_MISSING
        if status in self.narrative_for and not narrative.strip():
            return Problem.NARRATIVE_MISSING
        return None

    def as_json(self) -> dict[str, object]:
        return {
            "required": self.required,
            "reason_for": list(self.reason_for),
            "narrative_for": list(self.narrative_for),
        }


def readiness_rule(item: Item) -> ReadinessRule:
    """The item's rule: a status if required, a reason for "not applicable", a narrative for
    "met" and "partially met" where the item takes one."""
    return ReadinessRule(
        required=item.required,
        reason_for=(Status.NOT_APPLICABLE.value,),
        narrative_for=(Status.MET.value, Status.PARTIALLY_MET.value) if item.narrative else (),
    )


def completeness_problem(item: Item, answer: Answer | None) -> Problem | None:
    """Why an item's answer is not ready to submit, or None when it is."""
    if answer is None:
        return readiness_rule(item).problem(None, "", "")
    return readiness_rule(item).problem(
        answer.status, answer.not_applicable_reason, answer.narrative
    )


@dataclass(frozen=True)
class Missing:
    item: Item
    problem: Problem


def missing_for_submission(checklist: Checklist, answers: dict[str, Answer]) -> list[Missing]:
    """Every item that stops a disclosure from being submitted, in checklist order."""
    missing = []
    for item in checklist.items:
        problem = completeness_problem(item, answers.get(item.id))
        if problem is not None:
            missing.append(Missing(item, problem))
    return missing


def progress(checklist: Checklist, answers: dict[str, Answer]) -> dict[str, tuple[int, int]]:
    """Commitment id -> (required items ready to submit, required items)."""
    result = {}
    for commitment in checklist.commitments:
        required = [i for i in commitment.items if i.required]
        ready = sum(1 for i in required if completeness_problem(i, answers.get(i.id)) is None)
        result[commitment.id] = (ready, len(required))
    return result
