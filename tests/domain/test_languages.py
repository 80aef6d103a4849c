"""The language table: every spelling of a language leads to the same language."""

import pytest

from tracker.domain.languages import CODES, EN, LANGUAGES, LOCALES, ZH, Text, by_code, language_of


@pytest.mark.parametrize(
    "spelling", ["zh", "zh_CN", "zh-CN", "zh-Hans", "zh_Hans_CN", "ZH-cn", "zh-TW"]
)
def test_every_spelling_of_chinese_is_chinese(spelling):
    assert language_of(spelling) is ZH


@pytest.mark.parametrize("spelling", ["en", "en_GB", "en-US", "fr", "", None, "xzh"])
def test_anything_else_is_english(spelling):
    assert language_of(spelling) is EN


def test_the_table_names_each_language_once_per_place():
    assert CODES == ("en", "zh")
    assert LOCALES == ("en", "zh_CN")
    assert [language.html for language in LANGUAGES] == ["en", "zh-CN"]
    assert EN.other is ZH and ZH.other is EN
    assert by_code("zh") is ZH and by_code("en") is EN
    assert by_code("zh_CN") is None and by_code("") is None


def test_a_text_is_read_in_any_spelling_of_its_language():
    text = Text(en="Met", zh="符合")
    assert [text.get(x) for x in (ZH, "zh", "zh_CN", "zh-CN")] == ["符合"] * 4
    assert [text.get(x) for x in (EN, "en", "de", None)] == ["Met"] * 4
    assert text.as_dict() == {"en": "Met", "zh": "符合"}
