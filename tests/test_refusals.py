"""Refusals: one error handler answers them (page or JSON, the reader's language, rolled back),
and every refusal the application can raise has a message in both languages."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.support.http import client_as, csrf_token
from tracker.audit.models import AuditEvent
from tracker.audit.services import NothingExported, record
from tracker.auth.services import AccountError
from tracker.companies.models import Company
from tracker.cycles import services as cycles
from tracker.db import db
from tracker.domain.answers import Limits, Missing, Problem
from tracker.domain.comparison import CompareRefusal
from tracker.domain.languages import ZH, Text
from tracker.domain.refusals import Refusal, refusal_classes
from tracker.domain.results import ResultLimits, ResultProblem
from tracker.domain.workflow import Action, DisclosureState, Side, TransitionNotAllowed
from tracker.errors import explain, registered_codes
from tracker.filing import services as filing
from tracker.filing.models import Disclosure
from tracker.filing.storage import UploadProblem, UploadRefused
from tracker.filing.workflow import AlreadyMoved
from tracker.i18n import LANGUAGE_COOKIE
from tracker.ledger.listing import BadFilter
from tracker.ledger.log import BadRange, LogInconsistent, NotInLog
from tracker.ledger.services import LedgerBusy
from tracker.params import BadParameter
from tracker.reminders.services import ReminderRefused
from tracker.reports.fonts import MissingFont
from tracker.reports.services import CompanyReportNotReady, ReportNotReady
from tracker.review import services as review
from tracker.review.models import Comment
from tracker.roster.services import CompanySlugTaken
from tracker.sorting import BadChoice
from tracker.storage.base import BlobNotFound

MOMENT = datetime(2026, 12, 1, 14, 3, tzinfo=UTC)

WRONG_PHASE_EN = "Only a planned cycle can be opened, and only an open one closed."
WRONG_PHASE_ZH = "只有计划中的周期可以开放，只有开放中的周期可以关闭。"


def add_failing_routes(app: Flask) -> None:
    """Routes that write and flush, then refuse, as a service would half-way."""

    def half_done():
        db.session.add(Company(slug="half-done", name_en="Half done", name_zh="半途"))
        db.session.flush()
        record(db.session, None, "company.create", "company", None, {"half": True})
        db.session.flush()
        raise cycles.WrongPhase()

    app.add_url_rule("/tests/half-done", "half_done", half_done, methods=["POST"])
    app.add_url_rule("/api/tests/half-done", "api_half_done", half_done, methods=["POST"])


def nothing_was_kept(app: Flask) -> bool:
    with app.app_context():
        companies = db.session.scalar(
            sa.select(sa.func.count()).filter(Company.slug == "half-done")
        )
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        return companies == 0 and events == 0


@pytest.fixture
def failing(app):
    app.config["WTF_CSRF_ENABLED"] = False
    add_failing_routes(app)
    return app.test_client()


def test_a_refusal_is_the_error_page_with_its_status_and_message(app, failing):
    response = failing.post("/tests/half-done")
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert WRONG_PHASE_EN in page
    assert "Not possible now" in page and "(409)" in page
    assert nothing_was_kept(app)


def test_the_page_is_in_the_readers_language(app, failing):
    failing.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    response = failing.post("/tests/half-done")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert WRONG_PHASE_ZH in page and "当前无法操作" in page
    assert WRONG_PHASE_EN not in page


def test_a_script_asking_for_json_gets_json_with_the_code(app, failing):
    response = failing.post("/tests/half-done", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "status": 409,
            "code": "cycles.wrong_phase",
            "title": "Not possible now",
            "message": WRONG_PHASE_EN,
        },
        "errors": [WRONG_PHASE_EN],  # the list the filing page's script shows
    }
    assert nothing_was_kept(app)

    failing.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    chinese = failing.post("/tests/half-done", headers={"Accept": "application/json"})
    assert chinese.get_json()["error"]["message"] == WRONG_PHASE_ZH


def test_under_the_api_a_refusal_is_json_whatever_was_asked(app, failing):
    response = failing.post("/api/tests/half-done", headers={"Accept": "text/html"})
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "status": 409,
            "code": "cycles.wrong_phase",
            "title": "Not possible now",
            "message": WRONG_PHASE_EN,
        }
    }
    assert nothing_was_kept(app)


# --- through the application's own routes --------------------------------------------------------

TRANSITION_EN = "is not possible while the disclosure is"


def test_a_step_the_state_does_not_allow_reads_the_same_everywhere(app, accounts, filing_world):
    """Submitting what is not started, reopening a draft, publishing a draft: one sentence."""
    world = accounts.ids
    officer = client_as(app, world, "officer_a")
    staff = client_as(app, world, "staff")
    token = csrf_token(officer, "/password/forgot")
    staff_token = csrf_token(staff, "/password/forgot")
    reopen = officer.post(
        "/filing/test-cycle/correction", data={"csrf_token": token, "reason": "x"}
    )
    publish = staff.post("/review/test-cycle/company-a/publish", data={"csrf_token": staff_token})
    for response, action in ((reopen, "Reopen for a correction"), (publish, "Publish")):
        assert response.status_code == 409
        assert f"“{action}” {TRANSITION_EN} “Draft”." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Disclosure, filing_world["disclosure_a"]).state is (
            DisclosureState.DRAFT
        )


def test_the_autosave_gets_json_when_the_disclosure_is_not_editable(app, accounts, filing_world):
    with app.app_context():
        db.session.get(Disclosure, filing_world["disclosure_a"]).state = DisclosureState.SUBMITTED
        db.session.commit()
    officer = client_as(app, accounts.ids, "officer_a")
    token = csrf_token(officer, "/password/forgot")
    response = officer.post(
        "/filing/test-cycle/items/c1.safety-team",
        data={
            "c1-safety-team-csrf_token": token,
            "c1-safety-team-status": "met",
            "c1-safety-team-narrative": "Late.",
            "c1-safety-team-version": "1",
        },
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"]["code"] == "filing.not_editable"
    assert body["errors"] == [body["error"]["message"]]
    assert "cannot be changed now" in body["errors"][0]
    assert "conflict" not in body  # the script shows the errors, it offers no choice


def test_a_comment_on_an_unknown_item_is_not_found(app, accounts, filing_world):
    officer = client_as(app, accounts.ids, "officer_a")
    token = csrf_token(officer, "/password/forgot")
    response = officer.post(
        "/filing/test-cycle/comments",
        data={"csrf_token": token, "item_id": "c9.nothing", "body": "Hello?"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


# --- every refusal has its message -------------------------------------------------------------

STATE, ACTION = DisclosureState.DRAFT, Action.PUBLISH
LIMITS = Limits(narrative=10, note=10, links=1)


def samples() -> list[Refusal]:
    """One refusal of every code the application can raise."""

    class Item:  # what a Missing names: enough of a checklist item for the message
        id = "c1.x"

    return [
        TransitionNotAllowed(STATE, ACTION, Side.STAFF),
        filing.NotEditable(),
        filing.NarrativeTooComplex(),
        filing.CannotCopyForward(),
        filing.EditConflict("c1.x"),
        filing.InvalidAnswer([("narrative", Problem.NARRATIVE_TOO_LONG)], LIMITS),
        filing.Incomplete([Missing(Item(), Problem.UNANSWERED)]),
        filing.InvalidResults(
            [(0, "metric", ResultProblem.UNKNOWN_METRIC), (50, "", ResultProblem.TOO_MANY)],
            ResultLimits(),
        ),
        filing.ResultsNotTaken("c1.x"),
        filing.AttachmentLimit("per_item", 3),
        filing.AttachmentLimit("total", 50_000_000),
        UploadRefused(UploadProblem.EMPTY),
        UploadRefused(UploadProblem.TOO_LARGE, max_size=10_000_000),
        UploadRefused(UploadProblem.TYPE_NOT_ALLOWED, "exe", allowed=("pdf", "png")),
        UploadRefused(UploadProblem.NAME_MISMATCH, "png"),
        review.CommentRefused("empty"),
        review.CommentRefused("too_long"),
        review.ReasonMissing(Side.STAFF),
        review.ReasonMissing(Side.OFFICER),
        review.NoSuchItem("c9.nothing"),
        cycles.CycleSlugTaken(),
        cycles.DatesOutOfOrder(),
        cycles.ChecklistFrozen(),
        cycles.WrongPhase(),
        cycles.CycleAlreadyMoved("open", MOMENT, "Admin"),
        cycles.CycleAlreadyMoved("close", MOMENT, None),
        cycles.CycleAlreadyMoved("reopen", MOMENT, "Admin"),
        cycles.DueDateChanged(MOMENT.date(), "Admin"),
        *(
            AlreadyMoved(action, STATE, MOMENT, "Staff", version=1 if action == "publish" else None)
            for action in Action
        ),
        AlreadyMoved(Action.SUBMIT, STATE, MOMENT, None),
        LedgerBusy(),
        LogInconsistent("the tree of 3 entries has another root than the checkpoint of size 3"),
        NotInLog(),
        BadRange(),
        *(cycles.ExtensionRefused(why) for why in cycles.ExtensionRefused.WHY),
        *(cycles.ReopenRefused(why, MOMENT.date()) for why in cycles.ReopenRefused.WHY),
        *(AccountError(why) for why in AccountError.WHY),
        CompanySlugTaken("taken"),
        ReportNotReady(),
        *(
            ReminderRefused(why, Text(en="Company A", zh="甲公司"), MOMENT)
            for why in ReminderRefused.WHY
        ),
        CompanyReportNotReady(),
        MissingFont(),
        BlobNotFound("uploads", "0" * 64, "the database's uploads blobs"),
        NothingExported(["“From” is after “Until”."]),
        *(CompareRefusal(code, "x") for code in CompareRefusal.codes),
        BadParameter("page", "²", 1, 1_000_000, code="request.bad_number"),
        BadParameter("until", "9999-12-31", "1900-01-01", "2999-12-31", code="request.bad_date"),
        BadChoice("sort", "price", ["name", "overall"]),
        BadFilter("kind", "x", ("publication", "correction", "report")),
    ]


def test_every_refusal_class_names_its_cases_and_each_has_a_message(app):
    registered = registered_codes(app)
    for cls in refusal_classes():
        if not cls.codes:  # a family (FilingError, ReviewError, CycleError): never raised
            assert cls.__subclasses__(), f"{cls.__name__} has no code"
            continue
        missing = set(cls.codes) - registered
        assert not missing, f"{cls.__name__}: no message for {sorted(missing)}"


def test_the_samples_cover_every_code():
    every = {code for cls in refusal_classes() for code in cls.codes}
    assert {refusal.code for refusal in samples()} == every


@pytest.mark.parametrize("refusal", samples(), ids=lambda r: f"{r.code}-{r}")
def test_every_message_reads_in_english_and_chinese(app, refusal):
    with app.test_request_context("/"):
        title, english = explain(refusal)
    with app.test_request_context("/", headers={"Cookie": f"{LANGUAGE_COOKIE}={ZH.locale}"}):
        zh_title, chinese = explain(refusal)
    assert title and english and zh_title and chinese
    assert "%(" not in english and "%(" not in chinese
    if not isinstance(refusal, NothingExported):  # (made of sentences translated before)
        assert chinese != english and zh_title != title
    assert 400 <= refusal.status < 600


def test_a_code_a_class_does_not_have_is_a_mistake():
    with pytest.raises(ValueError, match="has no code"):
        review.CommentRefused("rude")
