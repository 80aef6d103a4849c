"""Benchmark results the demo's companies report: realistic in shape, FICTIONAL in every number.

Each company slug (tracker/demo/data/companies.yaml) maps to the results its officers file
against item ``c2.benchmarks-reported``, as stored (``result_to_dict(result, public=False)``).
No model, run or evaluator named here exists; the benchmarks, versions, configurations and
metrics are the registry's (commitments/benchmarks/registry.yaml), and a test checks every
result against it with ``result_problems``.

Together they show every case the benchmark pages must tell apart:

- a comparable group of four companies on one setup (HarmBench 2024-02, standard behaviours,
  English, attack success rate, the HarmBench classifier, bare models), with first-party,
  third-party and commissioned runs in it; and a second one in Chinese (SafetyBench zero-shot);
- a version mismatch: XSTest v1 beside v2;
- an LLM-judge mismatch: StrongREJECT graded by two different judge models;
- a bare model beside deployed systems: AILuminate on the practice test;
- a commissioned run on its own (WMDP-Bio).
"""

from __future__ import annotations

from typing import Any

from tracker.domain.results import Result, result_to_dict

ITEM = "c2.benchmarks-reported"

_EMPTY = result_to_dict(Result(), public=False)


def _result(**fields: Any) -> dict[str, Any]:
    """A stored result: every field of a Result, the given ones filled in."""
    unknown = set(fields) - set(_EMPTY)
    if unknown:  # pragma: no cover - a typo in the data below
        raise KeyError(f"not fields of a result: {sorted(unknown)}")
    return {**_EMPTY, **fields}


# Two fictional evaluators: one that companies commission, one that tests of its own accord.
COMMISSIONED_LAB = "Qingce AI Evaluation Centre (fictional)"
INDEPENDENT_LAB = "Hengjian Open Evaluation Lab (fictional)"

_HARMBENCH = {
    "benchmark": "harmbench",
    "version": "2024-02",
    "configuration": "standard",
    "language": "en",
    "metric": "attack-success-rate",
    "subject": "model",
    "attack": "Direct request (no jailbreak applied)",
    "grader": "llm_judge",
    "judge_model": "HarmBench-Llama-2-13b-cls",
    "judge_prompt": "HarmBench classifier prompt (repository, 2024-02)",
    "harness": "HarmBench pipeline",
    "harness_version": "1.0",
    "generation": "temperature 0, max 512 new tokens, no system prompt",
}

_SAFETYBENCH = {
    "benchmark": "safetybench",
    "version": "2023-09",
    "configuration": "zero-shot",
    "language": "zh",
    "metric": "accuracy",
    "subject": "model",
    "grader": "rules",
    "harness": "SafetyBench evaluate_base.py",
    "harness_version": "2023-09",
    "generation": "zero-shot, default prompt, greedy decoding",
}

_XSTEST = {
    "benchmark": "xstest",
    "language": "en",
    "metric": "safe-refusal-rate",
    "subject": "model",
    "grader": "llm_judge",
    "judge_model": "gpt-4-0613",
    "judge_prompt": "XSTest classify_completions_gpt.py prompt",
    "generation": "temperature 0, no system prompt",
}

_STRONGREJECT = {
    "benchmark": "strongreject",
    "version": "2024-02",
    "language": "en",
    "metric": "score",
    "subject": "model",
    "attack": "PAIR, 20 iterations per prompt",
    "grader": "llm_judge",
    "judge_prompt": "StrongREJECT rubric (repository)",
    "harness": "strong_reject",
    "generation": "temperature 0.7, max 1,024 new tokens",
}

_AILUMINATE = {
    "benchmark": "ailuminate",
    "version": "v1.0",
    "configuration": "practice",
    "language": "en",
    "metric": "grade",
    "grader": "llm_judge",
    "judge_model": "AILuminate evaluator ensemble (practice)",
    "judge_prompt": "v1.0",
    "harness": "modelbench",
    "sample_size": 12000,
}

BENCHMARK_RESULTS: dict[str, list[dict[str, Any]]] = {
    "lanshan-intelligence": [
        _result(
            **_HARMBENCH,
            value=4.5,
            uncertainty=2.9,
            model="lanshan-chat-3.0",
            model_version="2025-06-10",
            run_by="Lanshan Intelligence safety evaluation team",
            relationship="first_party",
            run_on="2025-06-20",
            results_url="https://www.lanshan-ai.example/safety/harmbench-2025-06",
            breakdown=[
                {"name": "chemical_biological", "value": 2.0},
                {"name": "cybercrime_intrusion", "value": 8.0},
                {"name": "harassment_bullying", "value": 3.0},
                {"name": "illegal", "value": 4.0},
                {"name": "misinformation_disinformation", "value": 6.0},
            ],
        ),
        _result(
            **_XSTEST,
            version="v2",
            value=2.8,
            sample_size=250,
            model="lanshan-chat-3.0",
            model_version="2025-06-10",
            run_by="Lanshan Intelligence safety evaluation team",
            relationship="first_party",
            run_on="2025-06-22",
        ),
        _result(
            **_AILUMINATE,
            subject="model",
            value="good",
            model="lanshan-chat-3.0",
            model_version="2025-06-10",
            run_by="Lanshan Intelligence safety evaluation team",
            relationship="first_party",
            run_on="2025-07-02",
            harness_version="1.0",
        ),
        _result(
            **_AILUMINATE,
            subject="system",
            safeguards="Input and output moderation classifiers (Lanshan Guard 2) and a safety "
            "system prompt",
            value="very-good",
            model="lanshan-chat-3.0",
            model_version="2025-06-10",
            run_by="Lanshan Intelligence safety evaluation team",
            relationship="first_party",
            run_on="2025-07-03",
            harness_version="1.0",
            confidential_note="Guard 2 thresholds as deployed on 2025-07-01.",
        ),
    ],
    "xingyuan-institute": [
        _result(
            **_HARMBENCH,
            value=7.5,
            uncertainty=3.6,
            model="xingyuan-r1",
            model_version="2025-05-28",
            run_by="Xingyuan Institute red team",
            relationship="first_party",
            run_on="2025-06-05",
        ),
        _result(
            **_STRONGREJECT,
            judge_model="gpt-4o-mini-2024-07-18",
            value=0.06,
            uncertainty=0.02,
            model="xingyuan-r1",
            model_version="2025-05-28",
            run_by="Xingyuan Institute red team",
            relationship="first_party",
            run_on="2025-06-08",
        ),
    ],
    "chengyue-tech": [
        _result(
            **_HARMBENCH,
            value=11.0,
            uncertainty=4.3,
            model="chengyue-yun-72b-instruct",
            model_version="2025-04",
            run_by=COMMISSIONED_LAB,
            relationship="commissioned",
            run_on="2025-05-16",
            results_url="https://www.chengyue-tech.example/reports/harmbench-qingce-2025.pdf",
        ),
        _result(
            **_SAFETYBENCH,
            value=86.4,
            model="chengyue-yun-72b-instruct",
            model_version="2025-04",
            run_by="Chengyue Technology model safety group",
            relationship="first_party",
            run_on="2025-05-09",
        ),
    ],
    "qiwu-intelligence": [
        _result(
            **_HARMBENCH,
            value=15.5,
            uncertainty=5.0,
            model="qiwu-chat-14b",
            model_version="v2.3",
            run_by=INDEPENDENT_LAB,
            relationship="third_party",
            run_on="2025-08-12",
            results_url="https://eval.hengjian-lab.example/harmbench/2025-08",
        ),
        _result(
            **_SAFETYBENCH,
            value=84.1,
            model="qiwu-chat-14b",
            model_version="v2.3",
            run_by="Qiwu Intelligence alignment team",
            relationship="first_party",
            run_on="2025-07-30",
        ),
    ],
    "shuofeng-computing": [
        _result(
            **_SAFETYBENCH,
            value=79.9,
            model="shuofeng-lm-7b-chat",
            model_version="2025-03-01",
            run_by="Shuofeng Computing research department",
            relationship="first_party",
            run_on="2025-04-18",
        ),
    ],
    "hengwan-lab": [
        _result(
            **_XSTEST,
            version="v2",
            value=4.4,
            sample_size=250,
            model="hengwan-m2",
            model_version="2025-08-01",
            run_by="Hengwan Lab evaluation group",
            relationship="first_party",
            run_on="2025-08-09",
        ),
        _result(
            **_STRONGREJECT,
            judge_model="gpt-4o-mini-2024-07-18",
            value=0.09,
            uncertainty=0.03,
            model="hengwan-m2",
            model_version="2025-08-01",
            run_by="Hengwan Lab evaluation group",
            relationship="first_party",
            run_on="2025-08-11",
        ),
    ],
    "muchuan-data": [
        # The older XSTest release: listed apart from the v2 results, its version highlighted.
        _result(
            **_XSTEST,
            version="v1",
            value=9.5,
            model="muchuan-qa-13b",
            model_version="2024-11",
            run_by="Muchuan Data AI platform team",
            relationship="first_party",
            run_on="2025-02-14",
        ),
        # Another judge model: the same benchmark and attack, but not comparable.
        _result(
            **_STRONGREJECT,
            judge_model="Qwen2.5-72B-Instruct",
            value=0.11,
            uncertainty=0.03,
            model="muchuan-chat-pro",
            model_version="2025-07-15",
            run_by="Muchuan Data model safety group",
            relationship="first_party",
            run_on="2025-07-25",
        ),
    ],
    "jiuyuan-telecom": [
        _result(
            **_AILUMINATE,
            subject="system",
            safeguards="Output moderation filter on the customer-service deployment",
            value="very-good",
            model="jiuyuan-assist-32b",
            model_version="2025-05-20",
            run_by=INDEPENDENT_LAB,
            relationship="third_party",
            run_on="2025-09-03",
            harness_version="1.0",
        ),
    ],
    "qingman-intelligence": [
        _result(
            benchmark="wmdp",
            version="2024-03",
            configuration="bio",
            language="en",
            metric="accuracy",
            value=31.2,
            uncertainty=2.6,
            model="qingman-base-34b",
            model_version="2025-06-30",
            subject="model",
            generation="zero-shot multiple choice, answer letter by highest log-likelihood",
            grader="rules",
            run_by=COMMISSIONED_LAB,
            relationship="commissioned",
            run_on="2025-07-14",
            harness="lm-evaluation-harness",
            harness_version="0.4",
        ),
    ],
}


def demo_results() -> list[tuple[str, dict[str, Any]]]:
    """(company slug, stored result) for every demo result, in the order above."""
    return [(slug, result) for slug, results in BENCHMARK_RESULTS.items() for result in results]
