"""What an answer may hold (answer_problems) and when a disclosure is ready (completeness)."""

from dataclasses import replace
from pathlib import Path

import pytest

from tracker.domain.answers import (
    Answer,
    Limits,
    Link,
    Missing,
    Problem,
    answer_problems,
    completeness_problem,
    is_http_url,
    missing_for_submission,
    progress,
    readiness_rule,
)
from tracker.domain.checklist import load_checklist_file
from tracker.domain.statuses import Status

REPO = Path(__file__).resolve().parents[2]
SMALL = Limits(
    narrative=10, note=5, reason=3, links=2, link_title=8, url=40, others=2, other_length=6
)


@pytest.fixture(scope="module")
def checklist():
    return load_checklist_file(REPO / "commitments" / "aiia-2024.yaml")[1]


@pytest.fixture(scope="module")
def safety_team(checklist):
    """Required; statuses exclude not_applicable; no structured fields."""
    item = checklist.item("c1.safety-team")
    assert Status.NOT_APPLICABLE not in item.statuses and item.required
    return item


@pytest.fixture(scope="module")
def benchmarks(checklist):
    """Required; a multi-select field "benchmarks" that allows "other"."""
    item = checklist.item("c2.benchmarks-reported")
    assert [f.id for f in item.fields] == ["benchmarks"] and item.fields[0].allow_other
    return item


@pytest.fixture(scope="module")
def certifications(checklist):
    item = checklist.item("c4.certifications")
    assert not item.required
    return item


def link(url: str, title: str = "") -> Link:
    return Link(url=url, title=title)


# --- answer_problems --------------------------------------------------------------------------


def test_a_valid_answer_has_no_problems(safety_team, benchmarks):
    full = Answer(
        status=Status.MET,
        narrative="We do.",
        confidential_note="n",
        links=[link("https://example.com/a", "A"), link("http://example.org")],
    )
    assert answer_problems(safety_team, full, Limits()) == []
    assert answer_problems(safety_team, Answer(), Limits()) == []  # an empty draft is fine
    structured = Answer(
        structured={"benchmarks": {"selected": ["helm-safety", "bbq"], "other": ["MyBench"]}}
    )
    assert answer_problems(benchmarks, structured, Limits()) == []


def test_a_valid_answer_exactly_at_the_limits(benchmarks):
    answer = Answer(
        status=Status.MET,
        narrative="n" * 10,
        confidential_note="c" * 5,
        not_applicable_reason="r" * 3,
        links=[link("https://e.com/" + "x" * 26, "t" * 8), link("https://e.com")],
        structured={"benchmarks": {"selected": [], "other": ["o" * 6, "p"]}},
    )
    assert len(answer.links[0].url) == SMALL.url
    assert answer_problems(benchmarks, answer, SMALL) == []


def test_status_not_allowed_by_the_item(safety_team):
    answer = Answer(status=Status.NOT_APPLICABLE, not_applicable_reason="No models.")
    assert answer_problems(safety_team, answer, Limits()) == [
        ("status", Problem.STATUS_NOT_ALLOWED)
    ]


@pytest.mark.parametrize(
    "status", [Status.MET, Status.PARTIALLY_MET, Status.NOT_MET, Status.NOT_DISCLOSED]
)
def test_statuses_the_item_allows(safety_team, status):
    assert answer_problems(safety_team, Answer(status=status), Limits()) == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Answer(narrative="n" * 11), ("narrative", Problem.NARRATIVE_TOO_LONG)),
        (Answer(confidential_note="c" * 6), ("confidential_note", Problem.NOTE_TOO_LONG)),
        (Answer(not_applicable_reason="r" * 4), ("not_applicable_reason", Problem.REASON_TOO_LONG)),
        (Answer(links=[link("https://e.com")] * 3), ("links", Problem.TOO_MANY_LINKS)),
        (Answer(links=[link("https://e.com/" + "x" * 27)]), ("links", Problem.LINK_TOO_LONG)),
        (Answer(links=[link("https://e.com", "t" * 9)]), ("links", Problem.LINK_TITLE_TOO_LONG)),
    ],
    ids=["narrative", "note", "reason", "links", "url", "title"],
)
def test_over_the_limits(safety_team, answer, expected):
    assert answer_problems(safety_team, answer, SMALL) == [expected]


def test_chinese_text_is_counted_in_characters(safety_team):
    assert answer_problems(safety_team, Answer(narrative="安全" * 5), SMALL) == []
    assert answer_problems(safety_team, Answer(narrative="安全" * 5 + "。"), SMALL) == [
        ("narrative", Problem.NARRATIVE_TOO_LONG)
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://example.com/report.pdf",
        "/etc/passwd",
        "example.com/report",
        "https://",
        "http:///path-only",
        "mailto:safety@example.com",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
    ],
)
def test_links_that_are_not_http(safety_team, url):
    assert answer_problems(safety_team, Answer(links=[link(url)]), Limits()) == [
        ("links", Problem.LINK_NOT_HTTP)
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "HTTPS://EXAMPLE.COM/A?b=c#d",
        "http://例子.中国/报告",
        "https://[2001:db8::1]/",
    ],
)
def test_http_links(url):
    assert is_http_url(url)


def test_a_malformed_url_is_a_problem_not_a_crash(safety_team):
    answer = Answer(links=[link("http://[::1")])
    assert answer_problems(safety_team, answer, Limits()) == [("links", Problem.LINK_NOT_HTTP)]


def test_each_bad_link_is_reported_once(safety_team):
    answer = Answer(links=[link("javascript:a()"), link("file:///x"), link("https://ok.example")])
    assert answer_problems(safety_team, answer, Limits()) == [("links", Problem.LINK_NOT_HTTP)]


def test_a_too_long_url_is_not_also_reported_as_not_http(safety_team):
    answer = Answer(links=[link("javascript:" + "x" * 40)])
    assert answer_problems(safety_team, answer, SMALL) == [("links", Problem.LINK_TOO_LONG)]


def test_unknown_structured_field(safety_team, benchmarks):
    answer = Answer(structured={"colour": {"selected": ["red"]}})
    assert answer_problems(benchmarks, answer, Limits()) == [("colour", Problem.UNKNOWN_FIELD)]
    # an item without fields has no field at all
    answer = Answer(structured={"benchmarks": {"selected": ["bbq"]}})
    assert answer_problems(safety_team, answer, Limits()) == [("benchmarks", Problem.UNKNOWN_FIELD)]


def test_unknown_option(benchmarks):
    answer = Answer(structured={"benchmarks": {"selected": ["bbq", "my-own-bench"]}})
    assert answer_problems(benchmarks, answer, Limits()) == [("benchmarks", Problem.UNKNOWN_OPTION)]


def test_other_on_a_field_that_does_not_allow_it(benchmarks):
    closed = replace(benchmarks, fields=(replace(benchmarks.fields[0], allow_other=False),))
    answer = Answer(structured={"benchmarks": {"selected": ["bbq"], "other": ["MyBench"]}})
    assert answer_problems(closed, answer, Limits()) == [("benchmarks", Problem.UNKNOWN_OPTION)]
    assert answer_problems(benchmarks, answer, Limits()) == []


def test_too_many_others(benchmarks):
    answer = Answer(structured={"benchmarks": {"other": ["a", "b", "c"]}})
    assert answer_problems(benchmarks, answer, SMALL) == [("benchmarks", Problem.TOO_MANY_OTHERS)]


def test_other_too_long(benchmarks):
    answer = Answer(structured={"benchmarks": {"other": ["ok", "much too long"]}})
    assert answer_problems(benchmarks, answer, SMALL) == [("benchmarks", Problem.OTHER_TOO_LONG)]


def test_every_problem_at_once_in_a_stable_order(safety_team):
    answer = Answer(
        status=Status.NOT_APPLICABLE,
        narrative="n" * 11,
        confidential_note="c" * 6,
        not_applicable_reason="r" * 4,
        links=[
            link("ftp://e.com", "t" * 9),
            link("https://e.com"),
            link("https://e.com/" + "x" * 40),
        ],
        structured={"x": {}},
    )
    assert answer_problems(safety_team, answer, SMALL) == [
        ("status", Problem.STATUS_NOT_ALLOWED),
        ("narrative", Problem.NARRATIVE_TOO_LONG),
        ("confidential_note", Problem.NOTE_TOO_LONG),
        ("not_applicable_reason", Problem.REASON_TOO_LONG),
        ("links", Problem.TOO_MANY_LINKS),
        ("links", Problem.LINK_NOT_HTTP),
        ("links", Problem.LINK_TITLE_TOO_LONG),
        ("links", Problem.LINK_TOO_LONG),
        ("x", Problem.UNKNOWN_FIELD),
    ]


# --- completeness -----------------------------------------------------------------------------


def test_unanswered_required_and_optional(safety_team, certifications):
    assert completeness_problem(safety_team, None) is Problem.UNANSWERED
    assert completeness_problem(safety_team, Answer(narrative="draft")) is Problem.UNANSWERED
    assert completeness_problem(certifications, None) is None
    assert completeness_problem(certifications, Answer()) is None


def test_not_applicable_needs_a_reason(checklist, certifications):
    item = checklist.item("c1.lifecycle-risk-process")
    assert Status.NOT_APPLICABLE in item.statuses
    for reason in ("", "  \n "):
        answer = Answer(status=Status.NOT_APPLICABLE, not_applicable_reason=reason)
        assert completeness_problem(item, answer) is Problem.REASON_MISSING
        # an optional item, once answered, must be complete too
        assert completeness_problem(certifications, answer) is Problem.REASON_MISSING
    answer = Answer(status=Status.NOT_APPLICABLE, not_applicable_reason="We train no models.")
    assert completeness_problem(item, answer) is None


@pytest.mark.parametrize("status", [Status.MET, Status.PARTIALLY_MET])
def test_met_needs_a_narrative(safety_team, status):
    assert completeness_problem(safety_team, Answer(status=status)) is Problem.NARRATIVE_MISSING
    assert (
        completeness_problem(safety_team, Answer(status=status, narrative=" \n"))
        is Problem.NARRATIVE_MISSING
    )
    assert completeness_problem(safety_team, Answer(status=status, narrative="Yes.")) is None
    # unless the item takes no narrative
    assert (
        completeness_problem(replace(safety_team, narrative=False), Answer(status=status)) is None
    )


@pytest.mark.parametrize("status", [Status.NOT_MET, Status.NOT_DISCLOSED])
def test_not_met_and_not_disclosed_are_complete_without_text(safety_team, status):
    assert completeness_problem(safety_team, Answer(status=status)) is None


def test_missing_for_submission_in_checklist_order(checklist):
    required = [i for i in checklist.items if i.required]
    answers = {
        "c1.safety-team": Answer(status=Status.MET, narrative="A team."),
        "c1.accountable-exec": Answer(status=Status.MET),
        "c1.lifecycle-risk-process": Answer(status=Status.NOT_APPLICABLE),
        "c2.pre-release-eval": Answer(status=Status.NOT_DISCLOSED),
        "c4.certifications": Answer(status=Status.PARTIALLY_MET),  # optional but incomplete
    }
    missing = missing_for_submission(checklist, answers)
    expected = [
        Missing(checklist.item("c1.accountable-exec"), Problem.NARRATIVE_MISSING),
        Missing(checklist.item("c1.lifecycle-risk-process"), Problem.REASON_MISSING),
    ]
    expected += [Missing(i, Problem.UNANSWERED) for i in required if i.id not in answers]
    expected.append(Missing(checklist.item("c4.certifications"), Problem.NARRATIVE_MISSING))
    order = {item.id: n for n, item in enumerate(checklist.items)}
    expected.sort(key=lambda m: order[m.item.id])
    assert missing == expected
    assert [m.item.id for m in missing] == sorted((m.item.id for m in missing), key=order.get)


def test_nothing_missing(checklist):
    answers = {i.id: Answer(status=Status.NOT_DISCLOSED) for i in checklist.items if i.required}
    assert missing_for_submission(checklist, answers) == []


def test_missing_answers_for_unknown_items_are_ignored(checklist):
    answers = {i.id: Answer(status=Status.NOT_DISCLOSED) for i in checklist.items if i.required}
    answers["c9.gone"] = Answer(status=Status.MET)
    assert missing_for_submission(checklist, answers) == []


def test_progress(checklist):
    counts = {c.id: sum(1 for i in c.items if i.required) for c in checklist.commitments}
    assert progress(checklist, {}) == {cid: (0, n) for cid, n in counts.items()}
    answers = {
        "c1.safety-team": Answer(status=Status.MET, narrative="A team."),
        "c1.accountable-exec": Answer(status=Status.MET),  # not ready: no narrative
        "c1.lifecycle-risk-process": Answer(status=Status.NOT_MET),
        "c4.certifications": Answer(status=Status.MET, narrative="ISO"),  # optional: not counted
        "c4.weights-protection": Answer(status=Status.NOT_DISCLOSED),
    }
    result = progress(checklist, answers)
    assert result["c1"] == (2, counts["c1"])
    assert result["c4"] == (1, counts["c4"])
    assert result["c2"] == (0, counts["c2"])
    assert counts["c4"] == 4  # c4.certifications is optional
    everything = {i.id: Answer(status=Status.NOT_DISCLOSED) for i in checklist.items}
    assert progress(checklist, everything) == {cid: (n, n) for cid, n in counts.items()}


def test_the_readiness_rule_as_data_says_what_completeness_asks(safety_team, certifications):
    # The page's script applies the rule from as_json: it must hold what completeness uses.
    rule = readiness_rule(safety_team)
    assert rule.as_json() == {
        "required": True,
        "reason_for": ["not_applicable"],
        "narrative_for": ["met", "partially_met"],
    }
    assert readiness_rule(replace(safety_team, narrative=False)).narrative_for == ()
    assert readiness_rule(certifications).required is False
    for item in (safety_team, certifications, replace(safety_team, narrative=False)):
        for status in (None, *Status):
            for reason in ("", " ", "Why."):
                for narrative in ("", "\n", "Text."):
                    answer = Answer(
                        status=status, not_applicable_reason=reason, narrative=narrative
                    )
                    assert readiness_rule(item).problem(
                        status.value if status else "", reason, narrative
                    ) == completeness_problem(item, answer), (item.id, status, reason, narrative)
