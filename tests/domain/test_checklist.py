"""The checklist loader: the shipped files, and every kind of broken file with its message."""

import dataclasses
from pathlib import Path

import pytest

from tracker.domain.checklist import (
    ChecklistError,
    checklist_from_data,
    load_checklist_directory,
    load_checklist_file,
    load_checklist_files,
    parse_checklist,
)
from tracker.domain.crosswalk import KNOWN_TAGS
from tracker.domain.languages import Text
from tracker.domain.statuses import Status

REPO = Path(__file__).resolve().parents[2]
COMMITMENTS = REPO / "commitments"
BROKEN = Path(__file__).parent / "broken_checklists"

# The items domain.md proposes; ids are a stable contract once published.
AIIA_2024_ITEM_IDS = [
    "c1.safety-team",
    "c1.accountable-exec",
    "c1.lifecycle-risk-process",
    "c1.release-gate",
    "c1.incident-response",
    "c1.periodic-review",
    "c2.pre-release-eval",
    "c2.red-team-internal",
    "c2.external-testing",
    "c2.severe-risk-evals",
    "c2.benchmarks-reported",
    "c2.post-deploy-monitoring",
    "c3.data-provenance",
    "c3.personal-info",
    "c3.sensitive-data-filter",
    "c3.user-data-use",
    "c3.leak-prevention",
    "c4.weights-protection",
    "c4.compute-env",
    "c4.supply-chain",
    "c4.vuln-reporting",
    "c4.certifications",
    "c5.model-card",
    "c5.safety-measures-disclosed",
    "c5.content-labeling",
    "c5.user-notice",
    "c5.commitment-report",
    "c6.research-program",
    "c6.agents-embodied",
    "c6.publications-tools",
    "c6.external-collab",
]


@pytest.fixture(scope="module")
def shipped():
    return {
        loaded.checklist.version: loaded.checklist
        for loaded in load_checklist_directory(COMMITMENTS)
    }


def test_every_version_ships_side_by_side(shipped):
    assert set(shipped) == {"2024.1", "2024.2", "2025.1", "2025.2"}
    assert {c.id for c in shipped.values()} == {"aiia-ai-safety-commitments"}


@pytest.mark.parametrize(("old", "new"), [("2024.1", "2024.2"), ("2025.1", "2025.2")])
def test_second_versions_only_let_the_benchmark_item_take_results_and_offer_ailuminate(
    shipped, old, new
):
    before, after = shipped[old], shipped[new]
    assert [i.id for i in after.items] == [i.id for i in before.items]
    for item in before.items:
        changed = after.item(item.id)
        if item.id == "c2.benchmarks-reported":
            assert (item.results, changed.results) == (False, True)
            # ... and it offers AILuminate, which the registry has, among its benchmarks
            (field,) = changed.fields
            options = tuple(o for o in field.options if o.id != "ailuminate")
            assert len(options) == len(field.options) - 1
            field = dataclasses.replace(field, options=options)
            changed = dataclasses.replace(changed, results=False, fields=(field,))
        assert changed == item
    assert (after.title, after.source, after.released) == (
        before.title,
        before.source,
        before.released,
    )
    assert after.content_hash != before.content_hash


def test_an_item_takes_no_results_unless_it_says_so():
    text = (COMMITMENTS / "aiia-2024-2.yaml").read_text(encoding="utf-8")
    _, checklist = parse_checklist(text.replace("results: true", "results: false"))
    assert not any(item.results for item in checklist.items)
    with pytest.raises(ChecklistError) as caught:
        parse_checklist(text.replace("results: true", "results: sometimes"))
    assert "results" in str(caught.value)


def test_2024_checklist_has_the_six_commitments_and_every_item(shipped):
    checklist = shipped["2024.1"]
    assert [c.id for c in checklist.commitments] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert [item.id for item in checklist.items] == AIIA_2024_ITEM_IDS
    assert checklist.commitments[0].title == Text(
        en="Safety teams and risk management", zh="安全团队与风险管理"
    )


def test_2024_checklist_says_it_is_an_operationalisation(shipped):
    source = shipped["2024.1"].source
    assert "operationalisation" in source.en.lower()
    assert "操作化" in source.zh


def test_2025_version_keeps_every_2024_item_and_adds_the_framework_items(shipped):
    old, new = shipped["2024.1"], shipped["2025.1"]
    for item in old.items:
        assert new.item(item.id).title == item.title
    added = {i.id for i in new.items} - {i.id for i in old.items}
    assert added == {
        "c1.risk-thresholds",
        "c1.halt-condition",
        "c7.info-sharing",
        "c7.international-dialogue",
        "c7.incident-sharing",
    }
    assert "seoul:IV" in new.item("c1.halt-condition").crosswalk


def test_every_text_is_bilingual_and_every_tag_known(shipped):
    for checklist in shipped.values():
        for item in checklist.items:
            for text in (item.title, item.guidance):
                assert text.en.strip() and text.zh.strip(), item.id
            assert set(item.crosswalk) <= set(KNOWN_TAGS)


def test_item_properties_from_the_file(shipped):
    checklist = shipped["2024.1"]
    assert checklist.item("c1.release-gate").weight == 2
    assert checklist.item("c4.certifications").required is False
    assert Status.NOT_APPLICABLE not in checklist.item("c1.safety-team").statuses
    assert set(checklist.item("c1.release-gate").statuses) == set(Status)
    assert checklist.item("c1.safety-team").crosswalk == ("seoul:VI",)


def test_benchmarks_item_takes_a_multi_select_with_other(shipped):
    (field,) = shipped["2024.1"].item("c2.benchmarks-reported").fields
    assert field.type == "multi_select"
    assert field.allow_other is True
    option_ids = [o.id for o in field.options]
    standard = {"helm-safety", "air-bench-2024", "facts", "caict-ai-safety-benchmark"}
    assert standard <= set(option_ids)
    assert len(option_ids) == len(set(option_ids)) == 18


def test_text_picks_the_language_of_a_locale():
    text = Text(en="Met", zh="符合")
    assert text.get("zh_CN") == "符合"
    assert text.get("zh") == "符合"
    assert text.get("en") == "Met"
    assert text.get("fr") == "Met"


def test_content_hash_ignores_layout_but_not_content(tmp_path):
    original = (COMMITMENTS / "aiia-2024.yaml").read_text(encoding="utf-8")
    _, checklist = parse_checklist(original)
    _, relaid = parse_checklist("# a comment\n" + original.replace("\n\n", "\n"))
    _, edited = parse_checklist(original.replace("Dedicated AI safety team", "A safety team"))
    assert checklist.content_hash == relaid.content_hash
    assert checklist.content_hash != edited.content_hash


def test_a_file_is_parsed_once_but_an_edit_is_read_and_callers_get_their_own_data(tmp_path):
    path = tmp_path / "checklist.yaml"
    original = (COMMITMENTS / "aiia-2024.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    data, first = load_checklist_file(path)
    data["title"]["en"] = "changed by a caller"
    again, second = load_checklist_file(path)
    assert second is first  # built once
    assert again["title"]["en"] != "changed by a caller"
    path.write_text(original.replace("Dedicated AI safety team", "A safety team"), encoding="utf-8")
    _, edited = load_checklist_file(path)
    assert edited.content_hash != first.content_hash
    assert edited.item("c1.safety-team").title.en.startswith("A safety team")


def test_stored_data_rebuilds_the_same_checklist():
    data, checklist = load_checklist_file(COMMITMENTS / "aiia-2024.yaml")
    assert checklist_from_data(data) == checklist


def _expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


def test_the_broken_folder_is_not_empty():
    assert len(BROKEN_FILES) >= 12


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_file_is_refused_with_every_problem_named(path):
    with pytest.raises(ChecklistError) as caught:
        load_checklist_file(path)
    got = [str(problem).removeprefix(str(path)) for problem in caught.value.problems]
    assert sorted(got) == sorted(_expected(path))
    assert all(problem.file == str(path) for problem in caught.value.problems)


def test_same_version_in_two_files_is_refused(tmp_path):
    text = (COMMITMENTS / "aiia-2024.yaml").read_text(encoding="utf-8")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_checklist_files([first, second])
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{second}: version: checklist 'aiia-ai-safety-commitments' version "
        f"'2024.1' is also defined in {first}"
    )


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(ChecklistError, match="no checklist files"):
        load_checklist_directory(tmp_path)


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(ChecklistError, match="cannot read"):
        load_checklist_file(path)
