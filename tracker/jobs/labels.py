"""Jobs in words, for the administrator's page."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {
    "reports.cycle": _l("Aggregate report"),
    "reports.publication": _l("Company reports of a publication"),
    "ledger.cosign": _l("Sending the checkpoint to the witnesses"),
    "outbox.send": _l("Sending mail"),
    "outbox.send_later": _l("Sending mail that waits for a retry"),
}

STATE_LABELS = {
    "started": _l("Running"),
    "queued": _l("Queued"),
    "scheduled": _l("Waiting for a retry"),
    # "Failed" alone is the outbox's "sending failed" in Chinese; a job's state is its own word.
    "failed": lazy_pgettext("job state", "Failed"),
}


def kind_label(kind: str) -> str:
    """A kind's name in the reader's language (an unknown kind, e.g. a test's, as it is)."""
    return str(KIND_LABELS.get(kind, kind))


def concerns_text(concerns: dict) -> str:
    """What a job is about, in words."""
    if "cycle" in concerns:
        return _(
            "cycle %(slug)s, ledger entry #%(head)s, %(language)s",
            slug=concerns["cycle"],
            head=concerns.get("head", 0),
            language=concerns.get("language", ""),
        )
    if "publication" in concerns:
        return _("publication #%(id)s", id=concerns["publication"])
    if "checkpoint" in concerns:
        return _("the latest checkpoint")
    if "outbox" in concerns:
        return _("the messages that are due")
    return ", ".join(f"{key} {value}" for key, value in concerns.items())


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        JOB_STATE_LABELS=STATE_LABELS, job_kind_label=kind_label, job_concerns=concerns_text
    )
