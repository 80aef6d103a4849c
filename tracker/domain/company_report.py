"""One report context for a company's disclosure, used by its web page and by its PDF.

Built from a published snapshot (the public report) or from live answers (a draft report, for
the company's officers and alliance staff only). No Flask here: the caller picks the language
and renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tracker.domain.answers import reason_if_not_applicable
from tracker.domain.checklist import Checklist, Commitment, Item
from tracker.domain.diff import DiffBudget
from tracker.domain.htmldiff import DiffSize, diff_size, html_diff
from tracker.domain.languages import EN, Language, Text
from tracker.domain.markdown import render_markdown
from tracker.domain.results import Result, result_from_dict
from tracker.domain.scoring import Score, Scorecard, score_disclosure
from tracker.domain.statuses import Status
from tracker.domain.text_language import ShownText, narrative_language, other_text, text_for
from tracker.domain.trends import CommitmentChange, Trend, score_changes


@dataclass(frozen=True)
class ReportAnswer:
    """One item's answer as a report shows it (the public fields only)."""

    status: Status | None
    not_applicable_reason: str
    narrative: str
    evidence_links: list
    structured: dict
    results: list[Result] = field(default_factory=list)  # benchmark results, public fields
    # The language ``narrative`` is written in, and the company's version of it in the other
    # language ("" when it wrote none).
    narrative_language: Language = EN
    narrative_translation: str = ""

    def text_for(self, language: Language) -> ShownText | None:
        """The narrative a reader of ``language`` is shown: the company's version in that
        language when it wrote one, else the original; None without any narrative. Unpacks as
        ``(text, lang, is_original)``, ``lang`` the HTML lang attribute."""
        return text_for(
            self.narrative, self.narrative_language, self.narrative_translation, language
        )

    def other_text(self, language: Language) -> ShownText | None:
        """The narrative's other text for a reader of ``language`` (the original behind the
        version in their language, or that version behind the original), or None."""
        return other_text(
            self.narrative, self.narrative_language, self.narrative_translation, language
        )


@dataclass(frozen=True)
class CommitmentSection:
    commitment: Commitment
    score: Score
    items: list[tuple[Item, ReportAnswer | None]]


@dataclass(frozen=True)
class PublicationRecord:
    """Where a published report comes from: its version, date and ledger record."""

    version: int
    published_at: datetime
    snapshot_sha256: str
    ledger_sequence: int
    entry_hash: str
    superseded_on: datetime | None = None
    leaf_hash: str | None = None  # the entry's leaf in the Merkle log: SHA-256(0x00 || data)


# Past this share of marked characters, a narrative's difference is told as "rewritten" in the
# PDF (its current text is under its item): marks on most of a text help no reader.
REWRITTEN_SHARE = 0.6


@dataclass(frozen=True)
class ItemChange:
    """How one item's published answer changed from the earlier cycle to this one."""

    item: Item
    status_before: Status | None
    status_after: Status | None
    # The newer narrative's sanitised HTML with what changed marked (<ins>, <del>), on the
    # rendered text (tracker.domain.htmldiff); None when the text is the same.
    narrative: str | None

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after

    @property
    def narrative_size(self) -> DiffSize | None:
        """How much of the narrative changed (None: it did not)."""
        return diff_size(self.narrative) if self.narrative is not None else None

    @property
    def rewritten(self) -> bool:
        """Most of the narrative changed: a report summarises it rather than mark it all."""
        size = self.narrative_size
        return size is not None and size.changed_share > REWRITTEN_SHARE


@dataclass(frozen=True)
class Comparison:
    """Year over year: this disclosure against the company's earlier published cycle."""

    cycle_slug: str
    cycle_name: Text
    version: int
    published_at: datetime
    changes: list[ItemChange]  # items answered in both whose status or narrative changed
    unchanged: int  # items answered in both, the same
    new_items: list[Item]  # items the earlier disclosure did not answer (or not have)
    scores: list[CommitmentChange] = field(default_factory=list)  # overall first
    added_items: list[Item] = field(default_factory=list)  # not in the earlier checklist
    removed_items: list[Item] = field(default_factory=list)  # in the earlier checklist only

    @property
    def status_changes(self) -> list[ItemChange]:
        return [c for c in self.changes if c.status_changed]

    @property
    def narrative_changes(self) -> list[ItemChange]:
        return [c for c in self.changes if c.narrative is not None]


@dataclass(frozen=True)
class CompanyReport:
    company_slug: str
    company_name: Text
    cycle_slug: str
    cycle_name: Text
    checklist: Checklist
    scorecard: Scorecard
    sections: list[CommitmentSection]
    answers: dict[str, ReportAnswer]
    publication: PublicationRecord | None  # None: a draft, not published
    comparison: Comparison | None = None  # with the company's earlier published cycle
    trend: Trend | None = None  # the company's scores across cycles, up to this one

    @property
    def is_draft(self) -> bool:
        return self.publication is None

    def results(self) -> list[tuple[Item, Result]]:
        """Every benchmark result of the report, with its item, in checklist order."""
        return [
            (item, result)
            for item in self.checklist.items
            if (answer := self.answers.get(item.id)) is not None
            for result in answer.results
        ]

    def status_counts(self) -> dict[Status | None, int]:
        """How many items have each status (None: unanswered), for the cover."""
        counts: dict[Status | None, int] = {}
        for item in self.checklist.items:
            answer = self.answers.get(item.id)
            status = answer.status if answer else None
            counts[status] = counts.get(status, 0) + 1
        return counts


def build(
    *,
    company: dict,
    cycle: dict,
    checklist: Checklist,
    answers: dict[str, ReportAnswer],
    publication: PublicationRecord | None,
    scorecard: Scorecard | None = None,
) -> CompanyReport:
    """The report of one disclosure: scores and every item, in checklist order. A published
    version's ``scorecard`` was computed at publication; without one it is computed here."""
    if scorecard is None:
        statuses = {item_id: answer.status for item_id, answer in answers.items()}
        scorecard = score_disclosure(checklist, statuses)
    sections = [
        CommitmentSection(
            c, scorecard.by_commitment[c.id], [(item, answers.get(item.id)) for item in c.items]
        )
        for c in checklist.commitments
    ]
    return CompanyReport(
        company_slug=company["slug"],
        company_name=Text(en=company["name_en"], zh=company["name_zh"]),
        cycle_slug=cycle["slug"],
        cycle_name=Text(en=cycle["name_en"], zh=cycle["name_zh"]),
        checklist=checklist,
        scorecard=scorecard,
        sections=sections,
        answers=answers,
        publication=publication,
    )


def answers_from_snapshot(snapshot: dict) -> dict[str, ReportAnswer]:
    """Item id -> answer, from a published snapshot's items."""
    return {
        entry["id"]: ReportAnswer(
            status=Status(entry["status"]) if entry.get("status") else None,
            # Snapshots published before reasons were cleared at save may hold one for an item
            # that is not "not applicable": it is not shown, nor published in the open data.
            not_applicable_reason=reason_if_not_applicable(
                entry.get("status"), entry.get("not_applicable_reason", "")
            ),
            narrative=entry.get("narrative", ""),
            evidence_links=list(entry.get("evidence_links", [])),
            structured=dict(entry.get("structured", {})),
            results=[result_from_dict(r) for r in entry.get("results") or []],
            # Snapshots published before the language was recorded have neither key: their
            # narrative's language is detected from its text.
            narrative_language=narrative_language(
                entry.get("narrative", ""), entry.get("narrative_language")
            ),
            narrative_translation=entry.get("narrative_translation") or "",
        )
        for entry in snapshot["items"]
    }


def _narratives(current: CompanyReport, earlier: CompanyReport, item: Item) -> tuple[str, str]:
    now, before = current.answers.get(item.id), earlier.answers.get(item.id)
    return (before.narrative if before else "", now.narrative if now else "")


def narrative_pairs(current: CompanyReport, earlier: CompanyReport) -> list[tuple[str, str]]:
    """The (earlier, current) narratives that ``compare`` shows a difference of."""
    pairs = (_narratives(current, earlier, item) for item in current.checklist.items)
    return [(b, a) for b, a in pairs if b.strip() != a.strip()]


def _rendered_diff(before: str, after: str, budget: DiffBudget) -> str:
    return html_diff(render_markdown(before), render_markdown(after), budget)


def compare(
    current: CompanyReport,
    earlier: CompanyReport,
    diffs: Mapping[tuple[str, str], str] | None = None,
) -> Comparison:
    """What changed since the company's earlier published report: the scores (overall and
    per commitment), and per item (matched by item id, so items renamed or added by a newer
    checklist version show as new) the status and the narrative. ``diffs``: the differences
    of narrative_pairs on the rendered text, worked out before (stored, tracker.narratives);
    the others are worked out here, within one budget."""
    assert earlier.publication is not None, "compare with a published report"
    changes, unchanged, new_items = [], 0, []
    budget = DiffBudget()  # one for the whole comparison: the page's cost stays bounded
    known = diffs or {}
    current_ids = {item.id for item in current.checklist.items}
    earlier_ids = {item.id for item in earlier.checklist.items}
    for item in current.checklist.items:
        now, before = current.answers.get(item.id), earlier.answers.get(item.id)
        if before is None or before.status is None:
            new_items.append(item)
            continue
        after_status = now.status if now else None
        after_text = now.narrative if now else ""
        pair = (before.narrative, after_text)
        narrative = (
            (known[pair] if pair in known else _rendered_diff(*pair, budget))
            if before.narrative.strip() != after_text.strip()
            else None
        )
        if after_status != before.status or narrative is not None:
            changes.append(ItemChange(item, before.status, after_status, narrative))
        else:
            unchanged += 1
    return Comparison(
        cycle_slug=earlier.cycle_slug,
        cycle_name=earlier.cycle_name,
        version=earlier.publication.version,
        published_at=earlier.publication.published_at,
        changes=changes,
        unchanged=unchanged,
        new_items=new_items,
        scores=score_changes(
            earlier.scorecard, current.scorecard, earlier.checklist, current.checklist
        ),
        added_items=[i for i in current.checklist.items if i.id not in earlier_ids],
        removed_items=[i for i in earlier.checklist.items if i.id not in current_ids],
    )
