"""Rendering reports in a language: the score chart for pages and PDFs, and the PDF itself."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from tracker.domain.statuses import Status
from tracker.i18n import current_locale
from tracker.reports.aggregate import CycleReport
from tracker.reports.charts import Bar, score_bars
from tracker.reports.context import CompanyReport
from tracker.reports.pdf import ARCHIVAL, RenderedPdf, render_pdf

LANGUAGES = {"en": "en", "zh": "zh_CN"}  # as in addresses -> the locale


def score_chart(report: CompanyReport, chart_id: str = "score-chart") -> Markup:
    """The per-commitment score bars of a report, in the current language."""
    locale = current_locale()
    bars = [
        Bar(c.id.upper(), c.title.get(locale), report.scorecard.by_commitment[c.id].percent)
        for c in report.checklist.commitments
    ]
    return Markup(  # noqa: S704 - score_bars escapes every label
        score_bars(
            bars,
            chart_id=chart_id,
            na_label=_("n/a"),
            title=_("Score per commitment, 0 to 100"),
        )
    )


def company_report_pdf(report: CompanyReport, language: str) -> RenderedPdf:
    """The PDF of a company's report in ``language`` ("en" or "zh"); archival (PDF/A-3a) when
    published, a plain PDF for a draft."""
    with force_locale(LANGUAGES[language]):
        html = render_template("reports/company.html", report=report)
    return render_pdf(html, Path(current_app.static_folder), None if report.is_draft else ARCHIVAL)


def cycle_report_pdf(report: CycleReport, language: str) -> RenderedPdf:
    """The PDF of a cycle's aggregate report in ``language`` ("en" or "zh")."""
    with force_locale(LANGUAGES[language]):
        html = render_template("reports/cycle.html", report=report, STATUS=Status)
    return render_pdf(html, Path(current_app.static_folder), ARCHIVAL)
