"""The data, about and methodology pages: what they say and link, in both languages; the footer
names who runs the record and links them."""

from __future__ import annotations

import pytest

ANCHORS = ("scores", "adoption", "not-disclosed", "benchmarks", "verify")


def page(client, url: str, language: str = "en") -> str:
    if language != "en":
        client.get(f"/language/{language}")
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_data_page_links_the_api_csvs_bundles_and_licence(client, demo):
    html = page(client, "/data/")
    for link in (
        'href="/api/v1/openapi.json"',
        'href="/api/v1/"',
        'href="/cycles/2025-annual/bundle.zip"',
        'href="/cycles/2024-annual/bundle.zip"',
        'href="/cycles/2025-annual/disclosures.csv"',
        'href="/ledger.csv"',
        'href="/benchmark-results.csv"',
        'href="/methodology/#verify"',
        'href="/ledger/"',
        'href="https://creativecommons.org/licenses/by/4.0/"',
    ):
        assert link in html, link
    assert "curl http://localhost/api/v1/cycles" in html
    assert "/api/v1/cycles/2025-annual/matrix?per_page=5" in html
    assert "sha256sum -c SHA256SUMS" in html


def test_the_data_page_before_anything_is_published(client, filing_world):
    html = page(client, "/data/")
    assert "Nothing has been published yet." in html
    assert "/api/v1/cycles/CYCLE/matrix" in html


def test_the_methodology_has_its_anchors_and_the_credit_of_each_status(client, demo):
    html = page(client, "/methodology/")
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html, anchor
    assert '<th scope="row">Partially met</th><td>0.5</td>' in html
    assert "none: the item leaves the denominator" in html
    assert "Judge prompt version" in html  # the compared fields, as the benchmark pages name them
    assert 'href="/benchmarks/"' in html and 'href="/ledger/verify.py"' in html


def test_the_about_page_says_who_runs_the_record(client, demo):
    html = page(client, "/about/")
    assert "run by the staff of the AI Industry Alliance" in html
    assert "not an independent assessment" in html


@pytest.mark.parametrize("url", ["/", "/data/", "/about/", "/methodology/", "/companies/"])
def test_the_footer_links_the_pages_and_no_longer_says_independent(client, demo, url):
    html = page(client, url)
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert "independent" not in footer.lower()
    assert "run by the AI Industry Alliance's staff" in footer
    for link in (
        'href="/about/"',
        'href="/methodology/"',
        'href="/data/"',
        'href="/api/v1/openapi.json"',
    ):
        assert link in footer, link


def test_the_pages_in_chinese(client, demo):
    assert "关于本记录" in page(client, "/about/", "zh_CN")
    methodology = page(client, "/methodology/")
    assert "“采纳”的含义" in methodology and "What “adopted” means" not in methodology
    data = page(client, "/data/")
    assert "开放数据" in data and "许可协议" in data
    footer = data.split('<footer class="site-footer">', 1)[1]
    assert "由中国人工智能产业发展联盟工作人员运营" in footer


def test_the_home_page_and_the_ledger_link_the_data_page(client, demo):
    home = page(client, "/")
    assert 'href="/cycles/2025-annual/bundle.zip"' in home and 'href="/data/"' in home
    assert 'href="/data/"' in page(client, "/ledger/")
