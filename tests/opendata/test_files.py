"""CSV downloads kept as files (tracker.opendata.files): streamed once per public generation,
then served as a file with an ETag and ranges; a half-read stream leaves nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.http import client_as, download
from tests.support.review import publish_as_is
from tracker.opendata.files import DownloadFiles

CYCLE_CSV = "/cycles/2025-annual/disclosures.csv"


def kept(app) -> list[Path]:
    return sorted(Path(app.config["OPENDATA_DIR"]).glob("*.csv"))


def test_the_first_reader_gets_a_stream_and_later_readers_the_file(
    app, client, demo, count_queries
):
    first = download(client, CYCLE_CSV)
    assert first.status_code == 200
    assert "ETag" not in first.headers and "Content-Length" not in first.headers  # a stream
    body = first.get_data()
    assert [p.read_bytes() for p in kept(app)] == [body]
    with count_queries() as counter:
        second = download(client, CYCLE_CSV)
    assert counter.count == 1  # the public generation: no row is read again
    assert second.get_data() == body and second.headers["ETag"]
    assert second.headers["Content-Length"] == str(len(body))  # a file
    assert second.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert second.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = download(client, CYCLE_CSV, headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    part = download(client, CYCLE_CSV, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.get_data() == body[:10]


def test_a_signed_in_reader_gets_the_same_file(app, client, demo, accounts):
    anonymous = download(client, CYCLE_CSV).get_data()
    staff = client_as(app, accounts.ids, "staff")
    assert download(staff, CYCLE_CSV).get_data() == anonymous
    assert len(kept(app)) == 1


def test_a_publication_makes_a_new_file_and_old_ones_are_pruned(app, client, filing_world):
    url = f"/cycles/{filing_world['cycle']}/disclosures.csv"
    before = download(client, url).get_data()
    assert before.count(b"\n") == 1  # the header: nothing published yet
    publish_as_is(app, filing_world["disclosure_a"])
    first = download(client, url).get_data()
    assert len(first) > len(before) and b",1," in first  # version 1
    assert download(client, url).get_data() == first
    assert {p.read_bytes() for p in kept(app)} == {before, first}
    # a correction: one earlier generation is kept beside the newest, no more
    publish_as_is(app, filing_world["disclosure_a"])
    second = download(client, url).get_data()
    assert second != first and b",2," in second
    assert {p.read_bytes() for p in kept(app)} == {first, second}


def test_a_reader_who_stops_half_way_leaves_no_file(app, client, demo):
    response = client.get(CYCLE_CSV, buffered=False)
    chunks = iter(response.response)
    next(chunks)
    response.close()
    assert kept(app) == []
    assert list(Path(app.config["OPENDATA_DIR"]).iterdir()) == []
    assert "ETag" not in download(client, CYCLE_CSV).headers  # the next reader makes it again


def test_the_ledger_csv_is_kept_too(app, client, demo):
    body = download(client, "/ledger.csv").get_data()
    served = download(client, "/ledger.csv")
    assert served.get_data() == body and served.headers["ETag"]
    assert len(kept(app)) == 1


def test_a_file_name_is_plain_whatever_the_name_holds(tmp_path):
    path = DownloadFiles(tmp_path).path("cycle-" + "../" * 200 + "\u202e", "1.5")
    assert path.parent == tmp_path and len(path.name) < 60


def test_an_unknown_cycle_is_a_404_and_leaves_nothing(app, client, demo):
    assert client.get("/cycles/" + "x" * 5000 + "/disclosures.csv").status_code == 404
    assert not Path(app.config["OPENDATA_DIR"]).exists() or kept(app) == []


def test_each_generation_has_its_own_file(tmp_path):
    files = DownloadFiles(tmp_path)
    assert files.path("ledger", "1.5") != files.path("ledger", "2.5")
    assert list(files.tee("ledger", "1.5", ["a,b\r\n", b"1,2\r\n"])) == [b"a,b\r\n", b"1,2\r\n"]
    assert files.existing("ledger", "1.5").read_bytes() == b"a,b\r\n1,2\r\n"
    assert files.existing("ledger", "2.5") is None
