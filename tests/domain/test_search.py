"""Search terms (tracker.domain.search): what a text and a query become, and the promise the
index keeps: any stretch of CJK characters of a text, and any whole word of it, finds it."""

from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.search import (
    MAX_QUERY_LENGTH,
    MAX_TERM,
    QueryTooLong,
    first_match,
    language_of_text,
    matches,
    parse_query,
    plain_text,
    prefix_end,
    snippet,
    terms,
)

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
KANA = st.characters(min_codepoint=0x3041, max_codepoint=0x30FF).filter(lambda c: c.isalpha())
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éÉßøÅ")
WORD = st.text(LATIN, min_size=1, max_size=80)
CJK_RUN = st.text(st.one_of(HAN, KANA), min_size=1, max_size=12)
SEPARATOR = st.sampled_from([" ", ", ", "。", "，", "\n", "-", "（", "）", "/", " — "])
PIECES = st.lists(st.one_of(WORD, CJK_RUN, SEPARATOR), min_size=1, max_size=20)


@given(PIECES, st.data())
def test_any_stretch_of_cjk_characters_of_a_text_finds_it(pieces, data):
    text = "".join(pieces)
    runs = [p for p in pieces if p and "\u3041" <= p[0] <= "\u9fff"]
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 1))
    end = data.draw(st.integers(start + 1, len(run)))
    query = parse_query(run[start:end])
    assert query and matches(text, query)


@given(PIECES, st.data())
def test_any_whole_word_of_a_text_finds_it_in_any_case(pieces, data):
    text = "".join(pieces)
    words = [p for p in pieces if p and not ("\u3041" <= p[0] <= "\u9fff") and p[0].isalnum()]
    # Only whole words: a word glued to the next piece is one longer word.
    whole = [w for w in words if f" {w} " in f" {text.replace(',', ' ').replace('-', ' ')} "]
    if not whole:
        return
    word = data.draw(st.sampled_from(whole))
    for typed in (word, word.upper(), word.lower()):
        query = parse_query(typed[:MAX_QUERY_LENGTH])
        assert matches(text, query), (typed, text)


@given(st.text(max_size=300))
def test_terms_and_queries_never_fail_and_are_bounded(text):
    for term in terms(text):
        assert 0 < len(term) <= MAX_TERM
    try:
        query = parse_query(text)
    except QueryTooLong:
        return
    for term in (*query.exact, *query.prefixes):
        assert term and prefix_end(term) > term


def test_chinese_becomes_overlapping_pairs_and_its_last_character():
    assert set(terms("红队测试")) == {"红队", "队测", "测试", "试"}
    assert parse_query("红队").exact == ("红队",)
    assert parse_query("红").prefixes == ("红",)  # one character: every pair it begins
    assert matches("我们进行了红队测试。", parse_query("红队"))
    assert matches("我们进行了红队测试。", parse_query("测试"))
    assert matches("我们进行了红队测试。", parse_query("试"))
    assert not matches("我们进行了蓝队演练。", parse_query("红队"))


def test_words_are_casefolded_and_full_width_forms_read_as_ascii():
    assert set(terms("Red-Team ＧＰＴ４ Straße")) == {"red", "team", "gpt4", "strasse"}
    assert matches("We ran RED TEAM exercises", parse_query("red team"))
    assert matches("ＧＰＴ４ evaluated", parse_query("gpt4"))


def test_the_last_word_is_a_prefix_the_others_are_whole():
    query = parse_query("red bench")
    assert query.exact == ("red",) and query.prefixes == ("bench",)
    assert matches("red benchmarks", query)
    assert not matches("reddish benchmarks", query)
    assert parse_query("ai").exact == ("ai",)  # too short to be a prefix


def test_too_long_a_query_is_refused():
    try:
        parse_query("x" * (MAX_QUERY_LENGTH + 1))
    except QueryTooLong:
        pass
    else:
        raise AssertionError("not refused")
    try:
        parse_query(" ".join(f"w{i}" for i in range(20)))
    except QueryTooLong:
        pass
    else:
        raise AssertionError("not refused")


def test_the_snippet_is_plain_text_around_the_first_match():
    text = "Intro. " * 40 + "We ran red-team exercises in 2025." + " Outro." * 40
    shown = snippet(text, parse_query("red team"))
    assert shown.match.lower() == "red"
    assert shown.cut_before and shown.cut_after
    assert len(shown.before + shown.match + shown.after) <= 170
    chinese = snippet("公司在发布前开展红队测试。", parse_query("红队"))
    assert (chinese.before, chinese.match, chinese.after) == ("公司在发布前开展", "红队", "测试。")
    assert first_match("steam team", parse_query("team x")) is not None
    assert first_match("steam", parse_query("x team")) is None  # not inside another word


def test_plain_text_of_rendered_markdown():
    assert plain_text("<p>A &amp; <strong>B</strong></p><ul><li>x</li><li>y</li></ul>") == (
        "A & B x y"
    )
    assert plain_text("<p>&lt;script&gt;</p>") == "<script>"


def test_language_of_a_text():
    assert language_of_text("公司开展红队测试") == "zh"
    assert language_of_text("We run red-team exercises") == "en"
    assert language_of_text("公司每年两次开展红队测试。We run red-team twice.") == "zh"
    assert language_of_text("公司开展红队测试。We run red-team exercises twice a year.") == "en"
