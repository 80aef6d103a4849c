"""Names in alphabetical order for each language's readers: Chinese by pinyin."""

from tracker.domain.collation import sort_key
from tracker.domain.languages import EN, ZH


def ordered(names: list[str], language) -> list[str]:
    return sorted(names, key=lambda name: sort_key(name, language))


def test_chinese_names_sort_by_pinyin_not_by_code_point():
    names = ["星垣研究院", "蓝山智能", "北溟科技", "澄岳智能"]
    assert sorted(names) != ordered(names, ZH)  # code points would put 北 after 星 and 澄
    assert ordered(names, ZH) == ["北溟科技", "澄岳智能", "蓝山智能", "星垣研究院"]


def test_tones_break_ties_between_syllables_spelled_alike():
    assert ordered(["烂柯数据", "蓝山智能"], ZH) == ["蓝山智能", "烂柯数据"]  # lán before làn


def test_english_names_sort_without_regard_to_case_or_width():
    names = ["beiming Tech", "Aurora AI", "ＣＨＥＮＧ Labs"]
    assert ordered(names, EN) == ["Aurora AI", "beiming Tech", "ＣＨＥＮＧ Labs"]


def test_latin_letters_in_a_chinese_name_sort_as_letters():
    assert ordered(["智谱AI", "AI实验室"], ZH) == ["AI实验室", "智谱AI"]
