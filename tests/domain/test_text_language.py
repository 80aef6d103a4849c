"""The language of a narrative by its script, and which of its texts a reader is shown."""

import pytest

from tracker.domain.languages import EN, ZH
from tracker.domain.text_language import (
    detect,
    narrative_fields,
    narrative_language,
    other_text,
    text_for,
)


@pytest.mark.parametrize(
    "text",
    [
        "我们设立了独立的安全团队。",
        "我们使用 HarmBench 和 SALAD-Bench 进行红队测试，覆盖了主要风险类别。",
        # Latin in links, code and tags is not prose: still Chinese.
        "详见[我们的安全报告](https://example.com/a/very/long/path/to/the/safety-report.pdf)。",
        "模型发布前运行 `python run_red_team.py --all-categories --verbose` 进行评估。",
        "第三方审计见 <https://audit.example.org/reports/2025/annual-review-final>。",
        "ISO/IEC 42001 认证已于 2025 年完成。",
        "𠀀𠀁",  # extension B ideographs
    ],
)
def test_chinese_narratives_are_chinese(text):
    assert detect(text) is ZH


@pytest.mark.parametrize(
    "text",
    [
        "We run red-team exercises before every release.",
        "Our **safety team** reports to the board. See [the report](https://example.com/报告).",
        "We follow the AIIA commitment (人工智能安全承诺) in full, with quarterly audits "
        "and published results.",
        "Café naïve résumé",  # Latin with diacritics
    ],
)
def test_english_narratives_are_english(text):
    assert detect(text) is EN


@pytest.mark.parametrize("text", ["", "   ", None, "2025 — 100%", "https://example.com/x", "`x`"])
def test_a_text_without_letters_has_no_language(text):
    assert detect(text) is None


def test_the_officers_choice_wins_over_the_script():
    assert narrative_language("我们设立了安全团队。", "en") is EN
    assert narrative_language("We have a team.", "zh-CN") is ZH
    assert narrative_language("We have a team.", "") is EN
    assert narrative_language("我们设立了安全团队。", None) is ZH
    assert narrative_language("", None, default=ZH) is ZH


def test_the_reader_gets_their_language_when_the_company_wrote_it():
    shown = text_for("中文原文", ZH, "English version", EN)
    assert (shown.text, shown.lang, shown.is_original) == ("English version", "en", False)
    text, lang, is_original = text_for("中文原文", ZH, "English version", ZH)
    assert (text, lang, is_original) == ("中文原文", "zh-CN", True)
    behind = other_text("中文原文", ZH, "English version", EN)
    assert (behind.text, behind.lang, behind.is_original) == ("中文原文", "zh-CN", True)
    behind = other_text("中文原文", ZH, "English version", ZH)
    assert (behind.text, behind.lang, behind.is_original) == ("English version", "en", False)


def test_without_a_version_in_their_language_the_reader_gets_the_original():
    shown = text_for("中文原文", ZH, "", EN)
    assert (shown.text, shown.lang, shown.is_original) == ("中文原文", "zh-CN", True)
    assert other_text("中文原文", ZH, "  ", EN) is None
    assert text_for("", ZH, "", EN) is None
    assert other_text("", ZH, "", EN) is None


def test_fields_recorded_at_publication():
    assert narrative_fields({"narrative": "我们设立了安全团队。"}) == {
        "narrative_language": "zh-CN",
        "narrative_translation": "",
    }
    assert narrative_fields(
        {"narrative": "团队", "narrative_language": "en", "narrative_translation": "中文"}
    ) == {"narrative_language": "en", "narrative_translation": "中文"}
    # No narrative: no language, and a version of nothing is not published.
    assert narrative_fields({"narrative": "", "narrative_translation": "Orphan"}) == {
        "narrative_language": None,
        "narrative_translation": "",
    }
    assert narrative_fields(None) == {"narrative_language": None, "narrative_translation": ""}
