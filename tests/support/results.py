"""Benchmark results in tests: a small registry built here (not the shipped file, so that tests
do not move when the registry does) and a result that it accepts; and published results stored
as publication stores them, against the shipped registry, for the public pages."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.benchmarks import (
    Benchmark,
    Configuration,
    Level,
    Metric,
    Registry,
    Release,
    ScaleKind,
)
from tracker.domain.languages import Text
from tracker.domain.results import Category, Result, result_to_dict
from tracker.ledger.models import Publication, PublishedResult
from tracker.ledger.services import result_values

RESULTS_ITEM = "c2.benchmarks-reported"  # the item of checklist 2024.2 that takes results

ASR = Metric(
    id="asr",
    name=Text(en="Attack success rate", zh="攻击成功率"),
    definition=Text(en="Share of attacks that succeed", zh="攻击成功的比例"),
    kind=ScaleKind.NUMBER,
    lower_is_better=True,
    unit="%",
    minimum=0,
    maximum=100,
)
REFUSAL = Metric(
    id="refusal-rate",
    name=Text(en="Refusal rate", zh="拒答率"),
    definition=Text(en="Share of harmful prompts refused", zh="拒绝有害提示的比例"),
    kind=ScaleKind.NUMBER,
    lower_is_better=False,
    unit="%",
    minimum=0,
    maximum=100,
)
GRADE = Metric(
    id="grade",
    name=Text(en="Grade", zh="等级"),
    definition=Text(en="Overall safety grade", zh="总体安全等级"),
    kind=ScaleKind.GRADES,
    lower_is_better=False,
    levels=(
        Level("poor", Text(en="Poor", zh="差")),
        Level("fair", Text(en="Fair", zh="一般")),
        Level("good", Text(en="Good", zh="良好")),
    ),
)
REGISTRY = Registry(
    (
        Benchmark(
            id="harmbench",
            name=Text(en="HarmBench", zh="HarmBench"),
            homepage="https://www.harmbench.org",
            description=Text(en="Automated red teaming", zh="自动化红队测试"),
            versions=(Release("1.0"), Release("1.1")),
            configurations=(
                Configuration("standard", Text(en="Standard behaviours", zh="标准行为")),
                Configuration("contextual", Text(en="Contextual behaviours", zh="情境行为")),
            ),
            languages=("en",),
            metrics=(ASR, REFUSAL),
            sources=("https://arxiv.org/abs/2402.04249",),
        ),
        Benchmark(
            id="ailuminate",
            name=Text(en="AILuminate", zh="AILuminate"),
            homepage="https://mlcommons.org/ailuminate/",
            description=Text(en="Hazard benchmark", zh="危害基准"),
            versions=(Release("1.0"),),
            configurations=(),
            languages=("en", "zh"),
            metrics=(GRADE,),
            sources=(),
        ),
    ),
    content_hash="test-registry",
)


def good_result(**changes) -> Result:
    """A result REGISTRY accepts, with ``changes``."""
    base = Result(
        benchmark="harmbench",
        version="1.0",
        configuration="standard",
        language="en",
        metric="asr",
        value=12.5,
        uncertainty=1.5,
        sample_size=400,
        breakdown=[Category("cybercrime", 20.0), Category("chemical", 5.0)],
        model="chengyue-7b-chat",
        model_version="2026-06-01",
        subject="model",
        grader="llm_judge",
        judge_model="harmbench-llama-2-13b-cls",
        judge_prompt="v1",
        run_by="Chengyue Tech",
        relationship="first_party",
        run_on="2026-06-15",
        harness="HarmBench",
        harness_version="1.0",
        results_url="https://results.example/harmbench",
        confidential_note="RESULT-SECRET-NOTE",
    )
    return replace(base, **changes)


def stored(result: Result | None = None, **changes) -> dict:
    """A result as ItemResponse.benchmark_results stores it (with its confidential note)."""
    return result_to_dict(result or good_result(**changes), public=False)


# --- published results, against the shipped registry (the benchmark pages read it) -----------

# A result the shipped registry accepts: HarmBench's standard behaviours, English, attack success
# rate, graded by its classifier, on a bare model, run by the company.
HARMBENCH = Result(
    benchmark="harmbench",
    version="2024-02",
    configuration="standard",
    language="en",
    metric="attack-success-rate",
    value=12.5,
    uncertainty=1.5,
    sample_size=400,
    model="model-a",
    model_version="2025-06",
    subject="model",
    grader="rules",
    run_by="The company",
    relationship="first_party",
    run_on="2025-07-01",
    results_url="https://results.example/run",
)


def shipped_result(**changes) -> Result:
    """HARMBENCH with ``changes``."""
    return replace(HARMBENCH, **changes)


def current_publication(session: Session, slug: str, cycle_slug: str) -> Publication:
    """The latest published version of a company's disclosure in a cycle."""
    return session.scalars(
        sa.select(Publication)
        .join(Company, Company.id == Publication.company_id)
        .join(Cycle, Cycle.id == Publication.cycle_id)
        .where(Company.slug == slug, Cycle.slug == cycle_slug)
        .order_by(Publication.version.desc())
        .limit(1)
    ).one()


def store_results(session: Session, publication: Publication, results: list[Result]) -> None:
    """Store results with a publication as publishing does (its snapshot stays as it was:
    pages read the stored rows). Flushes."""
    snapshot = {"items": [{"id": RESULTS_ITEM, "results": [result_to_dict(r) for r in results]}]}
    existing = session.scalar(
        sa.select(sa.func.count())
        .select_from(PublishedResult)
        .where(PublishedResult.publication_id == publication.id)
    )
    for values in result_values(snapshot):
        values["position"] += existing
        session.add(PublishedResult(publication_id=publication.id, **values))
    session.flush()


def forget_published_results(session: Session) -> None:
    """Take every stored published result out (behind the ORM's back: they are append-only),
    so that a test of the benchmark pages sees only the results it stores itself. Snapshots
    keep theirs: company pages still show the demo's."""
    session.execute(sa.text("DELETE FROM published_results"))
