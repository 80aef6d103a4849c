"""Rendering reports in a language: the score chart for pages and PDFs, and the PDF itself."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from tracker.domain.charts import Bar, TrendLine, score_bars, trend_chart
from tracker.domain.company_report import CompanyReport
from tracker.domain.cycle_report import CycleReport
from tracker.domain.languages import Language, by_code
from tracker.domain.statuses import Status
from tracker.domain.trends import Trend
from tracker.i18n import current_language
from tracker.reports import parts
from tracker.reports.pdf import ARCHIVAL, RenderedPdf, render_parts, render_pdf
from tracker.templating import preload_markdown


def _language(code: str) -> Language:
    """The language of a report, from its address code; ValueError for any other code."""
    language = by_code(code)
    if language is None:
        raise ValueError(f"no report language {code!r}")
    return language


# The faces of a chart in a PDF, as report.css sets the text's: a Chinese report's text is all
# Noto Sans CJK SC (its Latin too); WeasyPrint's SVG text would otherwise take fontconfig's
# default sans-serif (WenQuanYi Micro Hei here).
PDF_CHART_FONTS = {
    "en": "DejaVu Sans, Noto Sans CJK SC, sans-serif",
    "zh": "Noto Sans CJK SC, DejaVu Sans, sans-serif",
}


def _chart_font(pdf: bool) -> str | None:
    return PDF_CHART_FONTS[current_language().code] if pdf else None


def score_chart(report: CompanyReport, chart_id: str = "score-chart", pdf: bool = False) -> Markup:
    """The per-commitment score bars of a report, in the current language (``pdf``: with the
    PDF's faces named)."""
    language = current_language()
    bars = [
        Bar(c.id.upper(), c.title.get(language), report.scorecard.by_commitment[c.id].percent)
        for c in report.checklist.commitments
    ]
    return Markup(  # noqa: S704 - score_bars escapes every label
        score_bars(
            bars,
            chart_id=chart_id,
            na_label=_("n/a"),
            title=_("Score per commitment, 0 to 100"),
            font_family=_chart_font(pdf),
        )
    )


def trends_chart(trend: Trend, chart_id: str = "trend-chart", pdf: bool = False) -> Markup:
    """The company's scores per commitment across cycles, in the current language (the last
    three cycles; the table beside it has them all)."""
    language = current_language()
    na = _("n/a")
    lines = [
        TrendLine(_("Overall"), "", trend.overall.values, strong=True),
        *(
            TrendLine(
                row.commitment_id.upper(), row.title.get(language) if row.title else "", row.values
            )
            for row in trend.rows
        ),
    ]
    cycles = [c.name.get(language) for c in trend.cycles]
    shown = cycles[-3:]

    def said(line: TrendLine) -> str:
        values = line.values[-3:]
        scores = ", ".join(
            _("%(cycle)s: %(score)s", cycle=cycle, score=na if v is None else v)
            for cycle, v in zip(shown, values, strict=True)
        )
        return f"{line.label} {line.title}".strip() + f" ({scores})"

    return Markup(  # noqa: S704 - trend_chart escapes every label
        trend_chart(
            lines,
            cycles,
            chart_id=chart_id,
            title=_("Scores per commitment across cycles, 0 to 100"),
            desc="; ".join(said(line) for line in lines) + ".",
            na_label=na,
            font_family=_chart_font(pdf),
        )
    )


def _static_folder() -> Path:
    """The app's static files, where the PDFs' stylesheet and fonts are read from."""
    folder = current_app.static_folder
    if folder is None:
        raise RuntimeError("the app has no static folder")
    return Path(folder)


def company_report_pdf(report: CompanyReport, language: str) -> RenderedPdf:
    """The PDF of a company's report in ``language`` ("en" or "zh"); archival (PDF/A-3a) when
    published, a plain PDF for a draft."""
    preload_markdown(
        text
        for answer in report.answers.values()
        for text in (answer.narrative, answer.narrative_translation)
    )
    with force_locale(_language(language).locale):
        html = render_template("reports/company.html", report=report)
    return render_pdf(html, _static_folder(), None if report.is_draft else ARCHIVAL)


def cycle_report_pdf(report: CycleReport, language: str) -> RenderedPdf:
    """The PDF of a cycle's aggregate report in ``language`` ("en" or "zh"): in one piece, or,
    with more published companies than REPORT_AGGREGATE_PART_SIZE, in parts rendered one at a
    time and joined (tracker.reports.parts), so that memory stays bounded."""
    results = report.results
    rows = len(results.companies) if results else 0
    benchmarks = len(results.benchmarks) if results else None
    part_size = current_app.config["REPORT_AGGREGATE_PART_SIZE"]
    with force_locale(_language(language).locale):
        if not part_size or len(report.companies) <= part_size:
            part = parts.whole(len(report.companies), rows, benchmarks)
            html = render_template(
                "reports/cycle.html",
                report=report,
                STATUS=Status,
                part=part,
                CONTENTS=parts.CONTENTS,
            )
            return render_pdf(html, _static_folder(), ARCHIVAL)
        planned = parts.plan(
            len(report.companies),
            rows,
            benchmarks,
            part_size,
            current_app.config["REPORT_AGGREGATE_TABLE_ROWS"] or None,
        )
        return render_parts(
            planned,
            lambda part: render_template(
                "reports/cycle.html",
                report=report,
                STATUS=Status,
                part=part,
                CONTENTS=parts.CONTENTS,
            ),
            _static_folder(),
            ARCHIVAL,
        )


def init_app(app: Flask) -> None:
    """Give pages the score chart, drawn as in the PDFs."""
    app.jinja_env.globals["score_chart"] = score_chart
    app.jinja_env.globals["trends_chart"] = trends_chart
