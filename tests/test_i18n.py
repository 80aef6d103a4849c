"""Every user-facing string is translated, the compiled catalogue is current, Chinese renders."""

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "tracker" / "translations"
PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def key(message) -> tuple[str | None, str]:
    """A message's context and (singular) id: the same English in two contexts is two entries."""
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def extracted_ids(tmp_path: Path) -> set[tuple[str | None, str]]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(TRANSLATIONS / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return {key(m) for m in read_po(f) if m.id}


def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_string_in_code_and_templates_is_in_the_chinese_catalogue(tmp_path):
    extracted = extracted_ids(tmp_path)
    assert len(extracted) > 50
    translated = {key(m) for m in catalog() if m.id}
    missing = sorted(extracted - translated)
    assert not missing, f"run pybabel update (tracker/translations/README.md): {missing}"


def test_pybabel_update_keeps_every_translation(tmp_path):
    # The README's steps must not lose work: an update keeps the translation of every string
    # the code uses, however the catalogue was edited by hand before.
    used = extracted_ids(tmp_path)  # writes tmp_path/messages.pot
    target = tmp_path / "catalogue" / "zh_Hans_CN" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_bytes(PO.read_bytes())
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "update",
            "-i",
            str(tmp_path / "messages.pot"),
            "-d",
            str(tmp_path / "catalogue"),
            "-l",
            "zh_Hans_CN",
            "--no-fuzzy-matching",
        ],
        check=True,
        capture_output=True,
    )
    with (target / "messages.po").open("rb") as f:
        updated = {(m.context, m.id): m.string for m in read_po(f) if m.id}
    lost = [
        m.id
        for m in catalog()
        if m.id and key(m) in used and updated.get((m.context, m.id)) != m.string
    ]
    assert not lost, f"pybabel update would lose these translations: {lost[:10]}"


def test_every_entry_is_translated_with_the_same_placeholders():
    problems = []
    for message in catalog():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        if not target or message.fuzzy:
            problems.append(f"untranslated: {source!r}")
        elif set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            problems.append(f"placeholders differ: {source!r} -> {target!r}")
    assert not problems


def test_compiled_catalogue_is_current():
    buffer = BytesIO()
    write_mo(buffer, catalog())
    assert MO.read_bytes() == buffer.getvalue(), "run: pybabel compile -d tracker/translations"


def test_language_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.get("/language/zh_CN?next=/checklist/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/checklist/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=zh_CN;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/checklist/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "人工智能安全承诺追踪平台" in page


def test_language_switch_never_redirects_elsewhere(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.get("/language/en", query_string={"next": target})
        assert response.headers["Location"] == "/", target


def test_unknown_language_is_ignored(client):
    response = client.get("/language/fr?next=/")
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers


def test_browser_language_is_the_default(client):
    zh = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-CN">' in zh.get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert '<html lang="en">' in en.get_data(as_text=True)


def test_chinese_pages_show_chinese_content_from_checklist_and_data(client, demo):
    client.get("/language/zh_CN")
    home = client.get("/").get_data(as_text=True)
    assert "安全团队与风险管理" in home  # commitment title from the checklist file
    assert "2025年度披露" in home  # cycle name from the database
    assert "签署企业" in home  # interface text from the catalogue
    checklist = client.get("/checklist/").get_data(as_text=True)
    assert "设立专职人工智能安全团队或指定责任部门" in checklist
    assert "首尔" in checklist


def test_chinese_sentences_translated_apart_are_not_split_by_a_space(client, demo):
    # Two sentences from two messages: a space between them in English, none in Chinese.
    english = client.get("/cycles/2025-annual/").get_data(as_text=True)
    assert "items are left out. Sort by a column" in english
    client.get("/language/zh_CN")
    chinese = client.get("/cycles/2025-annual/").get_data(as_text=True)
    assert "不计入。点击列标题即可按该列排序。" in chinese
    assert not re.search(r"[。；！？] +[\u4e00-\u9fff]", chinese)


def test_chinese_messages_leave_no_space_between_chinese_text_and_a_chinese_value():
    # Company, cycle and commitment names and dates are Chinese in Chinese pages: 总分依据2025年度
    # 披露…, not 总分依据 2025年度披露 …; numbers and people's names may keep their spaces.
    spaced = re.compile(
        r"[\u4e00-\u9fff] %\((company|cycle|commitment|date)\)s|"
        r"(?<!=)%\((company|cycle|commitment|date)\)s [\u4e00-\u9fff]"  # cycle=slug is Latin
    )
    assert [m.string for m in catalog() if m.id and spaced.search(str(m.string))] == []
