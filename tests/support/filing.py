"""The filing world (an open cycle in which company A has a draft with one answer and one file)
and filing as an officer's browser does it: forms read from the page, posted with their token."""

from __future__ import annotations

import io
from datetime import timedelta
from html.parser import HTMLParser

import sqlalchemy as sa

from tests.support.accounts import Accounts
from tests.support.app import alliance_today
from tests.support.files import PNG
from tests.support.http import JSON
from tracker.db import db, utcnow
from tracker.domain.workflow import DisclosureState
from tracker.storage.services import UPLOADS, blobs

CYCLE = "test-cycle"  # the slug of the filing world's cycle


def create_filing_world(app, accounts: Accounts, checklist_version: str = "2024.1") -> dict:
    """An open cycle on the 2024 checklist (version 2024.1 unless another is given: 2024.2's
    c2.benchmarks-reported takes benchmark results); company A has answered c1.safety-team and
    attached a PNG to it. Returns ids: cycle (its slug), disclosure_a, response_a, attachment."""
    from tracker.checklists.services import load_checklist
    from tracker.cycles.models import Cycle
    from tracker.domain.statuses import Status
    from tracker.filing.models import Attachment, Disclosure, ItemResponse
    from tracker.filing.storage import store_upload

    with app.app_context():
        loaded = next(
            c
            for c in app.extensions["tracker.checklist_files"]
            if c.checklist.version == checklist_version
        )
        version = load_checklist(db.session, loaded).version
        today = alliance_today()
        cycle = Cycle(
            slug=CYCLE,
            name_en="Test cycle",
            name_zh="测试周期",
            checklist_version=version,
            opens_on=today - timedelta(days=10),
            due_on=today + timedelta(days=10),
            opened_at=utcnow(),
        )
        disclosure = Disclosure(
            company_id=accounts.ids["company_a"],
            cycle=cycle,
            checklist_version=version,
            state=DisclosureState.DRAFT,
        )
        response = ItemResponse(
            disclosure=disclosure,
            item_id="c1.safety-team",
            status=Status.MET,
            narrative="We have a team.",
            confidential_note="SECRET-NOTE-OF-A",
            evidence_links=[],
            structured={},
            updated_by_id=accounts.ids["officer_a"],
        )
        stored = store_upload(io.BytesIO(PNG), "chart.png", blobs(UPLOADS, app), 10_000, ("png",))
        attachment = Attachment(
            disclosure=disclosure,
            item_id="c1.safety-team",
            filename=stored.filename,
            file_type=stored.file_type,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        db.session.add_all([cycle, disclosure, response, attachment])
        db.session.commit()
        return {
            "cycle": cycle.slug,
            "disclosure_a": disclosure.id,
            "response_a": response.id,
            "attachment": attachment.id,
        }


def answer_everything(app, disclosure_id: int) -> None:
    """Every required item of company A answered "not disclosed" (c1.safety-team stays met)."""
    from tracker.domain.statuses import Status
    from tracker.filing.models import Disclosure, ItemResponse

    with app.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        answered = {r.item_id for r in disclosure.responses}
        for item in disclosure.checklist_version.checklist.items:
            if item.required and item.id not in answered:
                db.session.add(
                    ItemResponse(
                        disclosure=disclosure,
                        item_id=item.id,
                        status=Status.NOT_DISCLOSED,
                        evidence_links=[],
                        structured={},
                    )
                )
        db.session.commit()


def state_of(app, disclosure_id: int) -> DisclosureState:
    """The state of a disclosure, read from the database."""
    from tracker.filing.models import Disclosure

    with app.app_context():
        return db.session.get(Disclosure, disclosure_id).state


# --- reading pages as a browser does ------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: action, and the values a browser would send for each field."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: tuple[dict, str] | None = None
        # An open <select>: its fields, name, first option's value and the selected one's.
        self._select: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
            return
        if tag == "option":
            self._option(a)
            return
        if not self.forms or "name" not in a:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind != "file":
                fields.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = (fields, a["name"])
            fields.setdefault(a["name"], []).append("")
        elif tag == "select":
            self._select = [fields, a["name"], None, None]

    def _option(self, attrs: dict) -> None:
        """An option of the open select: a browser sends the selected one, else the first."""
        if self._select is None:
            return
        value = attrs.get("value") or ""
        if self._select[2] is None:
            self._select[2] = value
        if "selected" in attrs:
            self._select[3] = value

    def handle_data(self, data):
        if self._textarea is not None:
            fields, name = self._textarea
            fields[name][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            fields, name, first, chosen = self._select
            fields.setdefault(name, []).append(chosen if chosen is not None else first or "")
            self._select = None
        if tag == "textarea" and self._textarea is not None:
            fields, name = self._textarea
            # A browser reads CRLF as LF and drops the one newline that may follow <textarea>.
            fields[name][-1] = fields[name][-1].replace("\r\n", "\n").removeprefix("\n")
            self._textarea = None

    def form(self, action: str) -> dict[str, list[str]]:
        """The fields of the first form posting to ``action`` (which must be there)."""
        found = [f["fields"] for f in self.forms if f["action"] == action]
        assert found, f"no form posting to {action}: {[f['action'] for f in self.forms]}"
        return found[0]


def csrf_from(fields: dict[str, list[str]]) -> str:
    """The form's CSRF token: the hidden input whose name ends with ``csrf_token``."""
    tokens = [values[0] for name, values in fields.items() if name.endswith("csrf_token")]
    assert tokens and tokens[0], "no CSRF token in the form"
    return tokens[0]


def prefix(item_id: str) -> str:
    """The prefix of an item's form fields: ``c1.safety-team`` -> ``c1-safety-team``."""
    return item_id.replace(".", "-")


def commitment_url(item_id: str) -> str:
    """The filing page of the commitment an item belongs to, in the filing world's cycle."""
    return f"/filing/{CYCLE}/{item_id.split('.')[0]}"


def save_url(item_id: str) -> str:
    """Where an item's answer form posts to, in the filing world's cycle."""
    return f"/filing/{CYCLE}/items/{item_id}"


def upload_url(item_id: str) -> str:
    """Where an item's upload form posts to, in the filing world's cycle."""
    return f"/filing/{CYCLE}/items/{item_id}/attachments"


def post_item(
    client,
    item_id: str,
    fields: dict | None = None,
    *,
    json: bool = False,
    page: str | None = None,
    version: str | None = None,
    extra: dict | None = None,
    url: str | None = None,
    form_url: str | None = None,
):
    """Post an item's form: the CSRF token and the version come from the page (the commitment
    page unless another is given) and its form posting to ``form_url`` (the test cycle's save
    URL unless given); ``fields`` are named without the item's prefix."""
    html = page if page is not None else client.get(commitment_url(item_id)).get_data(as_text=True)
    form = Forms(html).form(form_url or save_url(item_id))
    p = prefix(item_id)
    data: dict = {
        f"{p}-csrf_token": csrf_from(form),
        f"{p}-version": version if version is not None else form[f"{p}-version"][0],
    }
    for name, value in (fields or {}).items():
        data[f"{p}-{name}"] = value
    data |= extra or {}
    return client.post(url or save_url(item_id), data=data, headers=JSON if json else {})


def upload(client, item_id: str, filename: str, content: bytes, *, page: str | None = None):
    """Post the upload form of an item: field ``file`` and the form's ``csrf_token``."""
    html = page if page is not None else client.get(commitment_url(item_id)).get_data(as_text=True)
    form = Forms(html).form(upload_url(item_id))
    return client.post(
        upload_url(item_id),
        content_type="multipart/form-data",
        data={"csrf_token": form["csrf_token"][0], "file": (io.BytesIO(content), filename)},
    )


def narrated_disclosure(app, company_id: int, items: int) -> int:
    """A draft of ``company_id`` in the filing world's cycle with ``items`` items answered "met",
    each with its own Markdown narrative (the others "not disclosed"); returns its id."""
    from tracker.cycles.models import Cycle
    from tracker.domain.statuses import Status
    from tracker.filing.models import Disclosure, ItemResponse

    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=CYCLE))
        disclosure = db.session.scalar(
            sa.select(Disclosure).filter_by(company_id=company_id, cycle_id=cycle.id)
        )
        if disclosure is None:
            disclosure = Disclosure(
                company_id=company_id,
                cycle=cycle,
                checklist_version=cycle.checklist_version,
                state=DisclosureState.DRAFT,
            )
            db.session.add(disclosure)
        answered = {r.item_id: r for r in disclosure.responses}
        for n, item in enumerate(cycle.checklist_version.checklist.items):
            response = answered.get(item.id) or ItemResponse(
                disclosure=disclosure, item_id=item.id, evidence_links=[], structured={}
            )
            if n < items:
                response.status = Status.MET
                response.narrative = f"Item {n}: we **do** [it](https://e.example/{n})."
            else:
                response.status, response.narrative = Status.NOT_DISCLOSED, ""
            db.session.add(response)
        db.session.commit()
        return disclosure.id
