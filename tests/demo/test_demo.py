"""``tracker demo``: idempotent, fictional, and filled enough that every page has content."""

from collections import Counter

import sqlalchemy as sa

from tests.support.app import DEMO_ARGS, make_app
from tracker.auth.models import Role, User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import DEMO_CYCLE_SLUG
from tracker.domain.results import differences, group, result_from_dict
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse
from tracker.ledger.models import Publication
from tracker.ledger.queries import current_query

REAL_COMPANIES = [
    "alibaba",
    "baidu",
    "huawei",
    "tencent",
    "deepseek",
    "阿里",
    "百度",
    "华为",
    "腾讯",
    "深度求索",
    "bytedance",
    "字节",
    "zhipu",
    "智谱",
    "sensetime",
    "商汤",
    "iflytek",
    "科大讯飞",
    "moonshot",
    "月之暗面",
    "minimax",
    "baichuan",
    "百川",
]


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Company, User, Cycle, Disclosure, ItemResponse)
    }


def test_demo_command_is_idempotent(runner, app):
    first = runner.invoke(args=DEMO_ARGS)
    assert first.exit_code == 0, first.output
    assert "22 companies" in first.output
    with app.app_context():
        after_first = counts()
    second = runner.invoke(args=DEMO_ARGS)
    assert second.exit_code == 0, second.output
    assert "(nothing was missing)" in second.output
    with app.app_context():
        assert counts() == after_first
    assert after_first["Company"] == 22
    assert after_first["Disclosure"] == 22 + 10  # this cycle's 22 and the earlier cycle's 10


def test_demo_refuses_a_database_that_is_not_sqlite_without_consent(tmp_path):
    # Nothing listens on port 9: the command must stop before it ever connects.
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:9/x", tmp_path)
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 2
    assert "runs on the default SQLite database only" in result.output


def test_demo_companies_are_fictional():
    companies = content.companies()
    assert len(companies) == 22
    assert len({c.slug for c in companies}) == 22
    for company in companies:
        names = f"{company.slug} {company.name_en} {company.name_zh}".lower()
        assert not any(real in names for real in REAL_COMPANIES), names
        assert company.website.endswith(".example")


def test_demo_has_every_workflow_state_and_varied_answers(demo, app_ctx):
    states = Counter(db.session.scalars(sa.select(Disclosure.state)))
    assert set(states) == set(DisclosureState)
    statuses = Counter(db.session.scalars(sa.select(ItemResponse.status)))
    assert set(statuses) == set(Status)
    assert statuses[Status.MET] > statuses[Status.PARTIALLY_MET] > statuses[Status.NOT_MET]

    narratives = list(
        db.session.scalars(
            sa.select(ItemResponse.narrative).where(ItemResponse.narrative.is_not(None))
        )
    )
    assert any("的" in n for n in narratives)  # Chinese
    assert any(" the " in n for n in narratives)  # English
    assert len(set(narratives)) > 0.6 * len(narratives)  # varied, not one text repeated

    na = db.session.scalars(sa.select(ItemResponse).filter_by(status=Status.NOT_APPLICABLE)).all()
    assert na and all(r.not_applicable_reason for r in na)


def test_demo_benchmark_selections_overlap_little(demo, app_ctx):
    answers = db.session.scalars(
        sa.select(ItemResponse.structured).where(ItemResponse.item_id == "c2.benchmarks-reported")
    ).all()
    selections = [set(a["benchmarks"]["selected"]) for a in answers if a.get("benchmarks")]
    assert len(selections) >= 10
    used = set().union(*selections)
    shared_by_all = set.intersection(*selections)
    assert len(used) >= 12
    assert len(shared_by_all) < 2
    assert any(a["benchmarks"]["other"] for a in answers if a.get("benchmarks"))


def test_the_demo_publishes_results_that_show_every_case_of_comparison(demo, app_ctx):
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
    current = db.session.scalars(current_query(cycle.id)).all()
    rows = [
        (p.snapshot["company"]["slug"], result_from_dict(stored))
        for p in current
        for stored in p.summary.get("results", {}).get("c2.benchmarks-reported", [])
    ]
    results = [r for _, r in rows]
    assert not any("confidential_note" in str(p.snapshot) for p in current)
    groups = group(rows, result_of=lambda row: row[1])
    assert max(len({slug for slug, _ in g.members}) for g in groups) >= 3  # one setup, 3+ firms
    pairs = {differences(a, b) for a in results for b in results}
    assert ("version",) in pairs and ("subject",) in pairs  # alike but for that one field
    assert any(set(p) <= {"judge_model", "judge_prompt"} and p for p in pairs)  # another judge
    assert {r.relationship for r in results} >= {"first_party", "third_party", "commissioned"}
    # a company that reports a number names the benchmark too
    for p in current:
        named = p.summary["structured"].get("c2.benchmarks-reported", {}).get("benchmarks", {})
        for stored in p.summary.get("results", {}).get("c2.benchmarks-reported", []):
            assert stored["benchmark"] in named["selected"]


def test_demo_creates_staff_admin_and_an_officer_per_company(demo, app_ctx):
    roles = Counter(db.session.scalars(sa.select(User.role)))
    assert roles == {Role.OFFICER: 22, Role.STAFF: 1, Role.ADMIN: 1}


def test_published_disclosures_are_complete_and_dated(demo, app_ctx):
    published = db.session.scalars(
        sa.select(Disclosure).filter_by(state=DisclosureState.PUBLISHED)
    ).all()
    assert len(published) == 13 + 10  # this cycle's and the earlier cycle's
    for d in published:
        assert d.published_at and d.submitted_at and d.submitted_at < d.published_at
        assert len(d.responses) == len(d.checklist_version.checklist.items)


def test_demo_serves_the_app_after_seeding(runner, app, monkeypatch):
    served = {}
    monkeypatch.setattr(
        "tracker.demo.cli.run_simple",
        lambda host, port, wsgi, threaded: served.update(
            host=host, port=port, app=wsgi, threaded=threaded
        ),
    )
    args = [a for a in DEMO_ARGS if a != "--no-serve"] + ["--port", "5099"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Serving on http://127.0.0.1:5099/" in result.output
    assert served == {"host": "127.0.0.1", "port": 5099, "app": app, "threaded": True}


def test_demo_rejects_a_bad_port(runner):
    result = runner.invoke(args=["demo", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000 is not in the range 1<=x<=65535" in result.output


def test_every_demo_account_signs_in_with_the_printed_password(runner, app):
    from tests.support.http import sign_in
    from tracker.demo.services import DEMO_ADMIN, DEMO_PASSWORD, DEMO_STAFF

    result = runner.invoke(args=DEMO_ARGS)
    assert f"with the password '{DEMO_PASSWORD}'" in result.output
    assert DEMO_ADMIN in result.output and DEMO_STAFF in result.output
    first = content.companies()[0].slug
    for email, landing in (
        (DEMO_ADMIN, "/review/"),
        (DEMO_STAFF, "/review/"),
        (f"officer@{first}.example", "/filing/"),
    ):
        response = sign_in(app.test_client(), email, DEMO_PASSWORD)
        assert response.headers["Location"] == landing, email


def test_demo_shows_a_correction_and_its_superseded_version(demo, app, client):
    with app.app_context():
        corrected = db.session.scalars(
            sa.select(Publication).where(Publication.supersedes_id.is_not(None))
        ).all()
        assert len(corrected) == 1
        slug, cycle = corrected[0].company.slug, corrected[0].cycle.slug
        first = db.session.get(Publication, corrected[0].supersedes_id)
        assert first.published_at < corrected[0].published_at
        assert "**Correction:**" not in str(first.snapshot)
        assert "**Correction:**" in str(corrected[0].snapshot)
    current = client.get(f"/companies/{slug}").get_data(as_text=True)
    assert "Published version 2, ledger entry" in current
    assert "<strong>Correction:</strong>" in current
    old = client.get(f"/companies/{slug}?cycle={cycle}&version=1").get_data(as_text=True)
    assert "Superseded: this is version 1" in old
    assert "<strong>Correction:</strong>" not in old


def test_a_larger_roster_is_generated_fictional_bilingual_and_mostly_published(runner, app):
    """``tracker demo --signatories N``: the demo's 22, then generated companies with English
    and Chinese names, about 60% published in the current cycle, some in the earlier one too,
    every publication in the ledger with its stored scores; a second run adds nothing."""
    from tracker.ledger.models import PublicationScore
    from tracker.ledger.services import verify_ledger

    result = runner.invoke(args=[*DEMO_ARGS, "--signatories", "120"])
    assert result.exit_code == 0, result.output
    assert "120 companies" in result.output and "120 disclosures added" in result.output
    with app.app_context():
        companies = db.session.scalars(sa.select(Company).order_by(Company.id)).all()
        assert len(companies) == 120 and len({c.slug for c in companies}) == 120
        generated = companies[22:]
        for company in generated:
            names = f"{company.slug} {company.name_en} {company.name_zh}".lower()
            assert not any(real in names for real in REAL_COMPANIES), names
            assert company.website.endswith(".example") and company.is_public_signatory
            assert company.name_en.isascii() and not company.name_zh.isascii()
        current = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        earlier = db.session.scalar(sa.select(Cycle).filter_by(slug="2024-annual"))
        ids = {c.id for c in generated}

        def published_in(cycle) -> set[int]:
            return (
                set(
                    db.session.scalars(
                        sa.select(Publication.company_id).where(Publication.cycle_id == cycle.id)
                    )
                )
                & ids
            )

        now, before = published_in(current), published_in(earlier)
        assert 0.45 < len(now) / len(generated) < 0.75, len(now)
        assert before and before <= now and len(before) < len(now)
        states = Counter(
            db.session.scalars(
                sa.select(Disclosure.state).where(
                    Disclosure.cycle_id == current.id, Disclosure.company_id.in_(ids)
                )
            )
        )
        assert len(states) >= 4  # not only published ones
        publications = db.session.scalar(sa.select(sa.func.count()).select_from(Publication))
        scores = db.session.scalar(sa.select(sa.func.count()).select_from(PublicationScore))
        assert scores == publications * 7  # six commitments and overall, for each
        entries, problem = verify_ledger(db.session)
        assert problem is None and entries == publications
        before_second = counts()
    again = runner.invoke(args=[*DEMO_ARGS, "--signatories", "120"])
    assert again.exit_code == 0 and "(nothing was missing)" in again.output
    with app.app_context():
        assert counts() == before_second


def test_a_roster_smaller_than_the_demo_is_refused(runner):
    result = runner.invoke(args=[*DEMO_ARGS, "--signatories", "5"])
    assert result.exit_code == 2
    assert "5 is not in the range 22<=x<=100000" in result.output


def test_the_demo_s_two_witnesses_cosign_its_checkpoint(runner, app):
    """``tracker demo`` runs two witnesses (threads, their own keys and state), lists them in
    the log's policy with a quorum of both, and the demo's checkpoint is cosigned by both."""
    from pathlib import Path

    from tracker.ledger import log
    from tracker.ledger.policy import log_policy
    from tracker.verify import verify_checkpoint

    args = [*DEMO_ARGS, "--witness-port", "0", "--witness-port", "0"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "checkpoint 24 cosigned by 2 of 2." in result.output
    policy_file = Path(app.config["LEDGER_POLICY_FILE"])
    assert policy_file.read_text().startswith("# Written by `tracker demo`")
    with app.app_context():
        policy = log_policy(app).policy
        assert sorted(policy.witnesses) == ["demo-witness-1", "demo-witness-2"]
        cosigned = log.latest_cosigned(db.session, policy)
        assert cosigned is not None and cosigned.size == 24
        checked = verify_checkpoint(log.cosigned_note(db.session, cosigned, policy), policy)
        assert len(checked.cosigners) == 2
    again = runner.invoke(args=args)  # the same witnesses, their state kept: nothing to send
    assert again.exit_code == 0, again.output
    assert "cosigned by 2 of 2." in again.output
    # A policy the demo did not write is left alone.
    policy_file.write_text(policy_file.read_text().split("\n", 1)[1])
    third = runner.invoke(args=args)
    assert "was not written by the demo; it is left as it is" in third.output
