"""``tracker companies import FILE``: the roster from a CSV or YAML file, in one transaction,
each change audited, new and re-sourced signatories unconfirmed; a bad file writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.audit.models import AuditEvent
from tracker.companies.models import Company
from tracker.db import db

ADMIN = "admin@test.example"
HEADER = "slug,name_en,name_zh,website,signatory,source\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return str(path)


def roster(app) -> dict[str, tuple]:
    with app.app_context():
        return {
            c.slug: (
                c.name_en,
                c.name_zh,
                c.website,
                c.is_signatory,
                c.signatory_source,
                c.signatory_confirmed,
            )
            for c in db.session.scalars(sa.select(Company))
        }


def audit(app) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.details)
            for e in db.session.scalars(
                sa.select(AuditEvent).filter_by(object_type="company").order_by(AuditEvent.id)
            )
        ]


def invoke(runner, *args: str):
    return runner.invoke(args=["companies", "import", *args])


GOOD = (
    HEADER
    + "qingyun-ai,Qingyun AI,青云智能,https://qingyun.example,yes,CAICT list 2025\n"
    + "company-a,Company A,甲公司,https://a.example,yes,test\n"  # a website added
    + "company-b,Company B,乙公司,,yes,a new letter\n"  # its source changes
)


def test_an_import_adds_and_changes_companies_each_audited(runner, app, accounts, tmp_path):
    before = roster(app)
    result = invoke(runner, write(tmp_path, "roster.csv", GOOD), "--as", ADMIN)
    assert result.exit_code == 0, result.output
    assert "add     qingyun-ai: Qingyun AI / 青云智能 (signatory, unconfirmed)" in result.output
    assert "website: (none) -> 'https://a.example'" in result.output
    assert "signatory_source: 'test' -> 'a new letter'" in result.output
    assert "(no longer confirmed: an administrator confirms it again)" in result.output
    assert "Imported: 1 added, 2 changed, 0 unchanged." in result.output
    after = roster(app)
    assert after["qingyun-ai"] == (
        "Qingyun AI",
        "青云智能",
        "https://qingyun.example",
        True,
        "CAICT list 2025",
        False,  # unconfirmed until an administrator confirms it
    )
    # Another website keeps the confirmation; another source takes it away.
    assert after["company-a"] == ("Company A", "甲公司", "https://a.example", True, "test", True)
    assert after["company-b"] == (*before["company-b"][:4], "a new letter", False)
    events = audit(app)
    assert [(action, actor) for action, actor, _d in events] == [
        ("company.create", accounts.ids["admin"]),
        ("company.update", accounts.ids["admin"]),
        ("company.update", accounts.ids["admin"]),
    ]
    assert events[2][2]["signatory_confirmed"] == [True, False]

    again = invoke(runner, write(tmp_path, "roster.csv", GOOD), "--as", ADMIN)
    assert again.exit_code == 0, again.output
    assert "Nothing to import: 0 to add, 0 to change, 3 unchanged." in again.output
    assert len(audit(app)) == 3


def test_a_yaml_roster_and_columns_left_out_leave_fields_as_they_are(
    runner, app, accounts, tmp_path
):
    path = write(
        tmp_path,
        "roster.yml",
        "- slug: company-a\n  name_en: Company A Ltd\n  name_zh: 甲公司\n"
        "- slug: new-one\n  name_en: New\n  name_zh: 新\n  signatory: false\n",
    )
    result = invoke(runner, path, "--as", ADMIN)
    assert result.exit_code == 0, result.output
    after = roster(app)
    assert after["company-a"] == ("Company A Ltd", "甲公司", None, True, "test", True)
    assert after["new-one"] == ("New", "新", None, False, None, False)


def test_a_signatory_turned_into_none_is_unconfirmed(runner, app, accounts, tmp_path):
    path = write(
        tmp_path, "r.csv", "slug,name_en,name_zh,signatory\ncompany-a,Company A,甲公司,no\n"
    )
    result = invoke(runner, path, "--as", ADMIN)
    assert result.exit_code == 0, result.output
    assert roster(app)["company-a"][3:] == (False, "test", False)


def test_a_dry_run_prints_the_changes_and_writes_nothing(runner, app, accounts, tmp_path):
    before = roster(app)
    result = invoke(runner, write(tmp_path, "roster.csv", GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "add     qingyun-ai" in result.output
    assert "change  company-b:" in result.output
    assert "Dry run: 1 to add, 2 to change, 0 unchanged; nothing written." in result.output
    assert roster(app) == before
    assert audit(app) == []


def test_every_problem_is_printed_with_its_line_and_nothing_is_written(
    runner, app, accounts, tmp_path
):
    before = roster(app)
    path = write(
        tmp_path,
        "roster.csv",
        HEADER
        + "fine-co,Fine,好,,no,\n"
        + "Bad_Slug,,乙,not a url,perhaps,\n"
        + "fine-co,Twice,二,,,\n"
        + "signer,Signer,签,,yes,\n",
    )
    result = invoke(runner, path, "--as", ADMIN)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{path}: 6 problems, nothing imported:" in result.output
    for expected in (
        f"{path}:3: name_en: missing the English name",
        f"{path}:3: slug: 'Bad_Slug' is not a short name",
        f"{path}:3: website: 'not a url' is not a website address",
        f"{path}:3: signatory: 'perhaps' is not true or false",
        f"{path}:4: slug: duplicate slug 'fine-co' (first on line 2)",
        f"{path}:5: source: a signatory needs its source",
    ):
        assert expected in result.output
    assert roster(app) == before
    assert audit(app) == []


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", "", "the file is empty"),
        ("latin1.csv", "slug,name_en,name_zh\nx,Caf\xe9,y\n".encode("latin-1"), "not UTF-8 text"),
        ("header.csv", "slug,name,name_zh\n", "unknown column 'name'"),
        ("map.yaml", "slug: a\n", "expected a list of companies, got a mapping"),
        ("list.yaml", "- a\n- b\n", "[0]: expected a mapping"),
        ("broken.yaml", "- slug: a\n  name_en: 'unclosed\n", ":3: not valid YAML"),
    ],
)
def test_files_that_are_no_roster_exit_1(runner, app, accounts, tmp_path, name, content, says):
    result = invoke(runner, write(tmp_path, name, content), "--as", ADMIN)
    assert result.exit_code == 1
    assert says in result.output
    assert "Traceback" not in result.output
    assert audit(app) == []


def test_format_option_and_an_unknown_suffix(runner, app, accounts, tmp_path):
    path = write(tmp_path, "roster.txt", "- slug: x\n  name_en: X\n  name_zh: 叉\n")
    result = invoke(runner, path, "--as", ADMIN)
    assert result.exit_code == 2
    assert "give --format csv or yaml" in result.output
    result = invoke(runner, path, "--format", "yaml", "--as", ADMIN)
    assert result.exit_code == 0, result.output
    assert "x" in roster(app)


def test_the_actor_must_be_an_administrator(runner, app, accounts, tmp_path):
    path = write(tmp_path, "roster.csv", GOOD)
    result = invoke(runner, path)
    assert result.exit_code == 2
    assert "Missing option '--as'" in result.output
    result = invoke(runner, path, "--as", "staff@test.example")
    assert result.exit_code == 2
    assert "staff@test.example is not an active administrator" in result.output
    result = invoke(runner, path, "--as", "ghost@test.example")
    assert result.exit_code == 2
    assert "no account with the e-mail address ghost@test.example" in result.output
    result = invoke(runner, str(tmp_path / "missing.csv"), "--as", ADMIN)
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert audit(app) == []


def test_a_slug_taken_meanwhile_writes_nothing(runner, app, accounts, tmp_path, monkeypatch):
    from tracker.roster import services

    real = services.plan_import

    def plan_then_someone_adds(session, entries):
        plan = real(session, entries)
        with app.app_context():  # another administrator, at the same moment
            db.session.add(Company(slug="qingyun-ai", name_en="Other", name_zh="别"))
            db.session.commit()
        return plan

    monkeypatch.setattr(services, "plan_import", plan_then_someone_adds)
    result = invoke(runner, write(tmp_path, "roster.csv", GOOD), "--as", ADMIN)
    assert result.exit_code == 1
    assert "a company with the short name 'qingyun-ai' was added meanwhile" in result.output
    after = roster(app)
    assert after["qingyun-ai"][0] == "Other"
    assert after["company-a"][2] is None  # the other rows of the file were not written either
    assert audit(app) == []
