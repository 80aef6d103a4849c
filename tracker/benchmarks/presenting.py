"""Showing benchmark results in the current language: values with their unit, the compared
fields by name, the metric's direction and scale, and a comparable group's chart, for pages and
PDFs alike (given to the templates by ``init_app``)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup

from tracker import pagecache
from tracker.benchmarks import labels, registry
from tracker.benchmarks.labels import (
    GRADER_LABELS,
    MARKER_LABELS,
    RELATIONSHIP_LABELS,
    SUBJECT_LABELS,
)
from tracker.domain.benchmark_results import Axis, ComparableGroup, Marker, format_number
from tracker.domain.benchmarks import Benchmark, Metric, ScaleKind
from tracker.domain.charts import Dot, dot_chart, marker_key
from tracker.domain.results import Result
from tracker.i18n import current_language, current_locale


def with_unit(number: float, unit: str) -> str:
    text = format_number(number)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def value_text(result: Result, metric: Metric | None) -> str:
    """A result's value as printed: the number with its unit and uncertainty, or the grade's
    name in the current language."""
    value = result.value
    if metric is not None and metric.kind is ScaleKind.GRADES:
        level = metric.level(str(value))
        return level.name.get(current_language()) if level else str(value or "")
    if not isinstance(value, float | int):
        return str(value or "")
    text = with_unit(float(value), metric.unit if metric else "")
    if result.uncertainty is not None:
        text += f" ± {format_number(result.uncertainty)}"
    return text


def language_name(tag: str) -> str:
    """A BCP 47 language tag's name in the current language ("zh" -> "Chinese" / "中文")."""
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(current_locale())
    except (ValueError, UnknownLocaleError):
        return tag
    return name or tag


def field_text(benchmark: Benchmark | None, name: str, value: str) -> str:
    """A compared field's value as a reader reads it (names rather than ids where the registry
    or the labels have them); "—" for a field not given."""
    if not value:
        return "—"
    if name == "configuration" and benchmark is not None:
        configuration = benchmark.configuration(value)
        return configuration.name.get(current_language()) if configuration else value
    if name == "metric" and benchmark is not None:
        metric = benchmark.metric(value)
        return metric.name.get(current_language()) if metric else value
    if name == "benchmark" and benchmark is not None:
        return benchmark.name.get(current_language())
    if name == "language":
        return language_name(value)
    if name == "grader":
        return str(GRADER_LABELS.get(value, value))
    if name == "subject":
        return str(SUBJECT_LABELS.get(value, value))
    return value


def grading_text(result: Result) -> str:
    """How a result was graded, with the judge model and prompt for an LLM judge."""
    text = str(GRADER_LABELS.get(str(result.grader), result.grader))
    details = ", ".join(d for d in (result.judge_model, result.judge_prompt) if d)
    return f"{text} ({details})" if details else text


def direction_text(metric: Metric | None) -> str:
    if metric is None:
        return _("direction unknown")
    return _("lower is better") if metric.lower_is_better else _("higher is better")


def scale_text(metric: Metric) -> str:
    """The metric's scale in words: its range and unit, or its grade levels."""
    language = current_language()
    if metric.kind is ScaleKind.GRADES:
        return _(
            "grades, from worst to best: %(levels)s",
            levels=", ".join(level.name.get(language) for level in metric.levels),
        )
    if metric.minimum is not None and metric.maximum is not None:
        return _(
            "%(low)s to %(high)s",
            low=with_unit(metric.minimum, metric.unit),
            high=with_unit(metric.maximum, metric.unit),
        )
    if metric.minimum is not None:
        return _("%(low)s or more", low=with_unit(metric.minimum, metric.unit))
    if metric.maximum is not None:
        return _("up to %(high)s", high=with_unit(metric.maximum, metric.unit))
    return _("no fixed range") + (f" ({metric.unit})" if metric.unit else "")


def marker_label(marker: Marker) -> str:
    return str(MARKER_LABELS[marker])


def marker_svg(marker: Marker) -> Markup:
    """The marker of a chart, small, for the legend and the tables (labelled for readers)."""
    return Markup(marker_key(marker.value, marker_label(marker)))  # noqa: S704 - escaped there


def _axis_ticks(axis: Axis) -> list[tuple[float, str]]:
    language = current_language()
    return [
        (tick.position, tick.level.name.get(language) if tick.level else tick.label)
        for tick in axis.ticks()
    ]


def group_chart(benchmark: Benchmark, group: ComparableGroup, chart_id: str) -> Markup:
    """The chart of a comparable group: its results on one axis, best first."""
    language = current_language()
    metric = group.metric
    name = metric.name.get(language) if metric else group.setup["metric"]
    unit = f" ({metric.unit})" if metric is not None and metric.unit else ""
    dots = []
    for member in group.members:
        result = member.result
        position = group.axis.position(result.value)
        low = high = None
        if position is not None and isinstance(result.value, float) and result.uncertainty:
            low = group.axis.position(result.value - result.uncertainty)
            high = group.axis.position(result.value + result.uncertainty)
        detail = " ".join(part for part in (result.model, result.model_version) if part)
        if not member.first_party:
            detail = f"{detail}, {marker_label(member.marker)}"
        dots.append(
            Dot(
                label=member.company_name.get(language),
                detail=detail,
                position=position,
                value=value_text(result, metric),
                marker=member.marker.value,
                low=low,
                high=high,
            )
        )
    return Markup(  # noqa: S704 - dot_chart escapes every label
        dot_chart(
            dots,
            _axis_ticks(group.axis),
            chart_id=chart_id,
            title=_(
                "%(benchmark)s, comparable group %(number)d: %(metric)s",
                benchmark=benchmark.name.get(language),
                number=group.number,
                metric=name,
            ),
            desc=_(
                "%(count)d results that may be compared, best first; %(direction)s. Markers: "
                "circle, the company's own run; diamond, an independent third party; square, "
                "commissioned by the company.",
                count=len(group.members),
                direction=direction_text(metric),
            ),
            axis_label=f"{name}{unit}, {direction_text(metric)}",
        )
    )


def init_app(app: Flask) -> None:
    """Give pages and PDFs these functions and the labels."""
    labels.init_app(app)
    # Pages show the registry's facts: a changed registry file makes new pages.
    app.extensions.setdefault(pagecache.SALTS, []).append(
        app.extensions[registry.EXTENSION].content_hash
    )
    app.jinja_env.globals.update(
        result_value=value_text,
        result_field=field_text,
        result_grading=grading_text,
        result_language=language_name,
        metric_direction=direction_text,
        metric_scale=scale_text,
        marker_svg=marker_svg,
        marker_label=marker_label,
        group_chart=group_chart,
        registry_benchmark=lambda benchmark_id: registry.current_registry().get(benchmark_id),
        RELATIONSHIP_LABELS=RELATIONSHIP_LABELS,
    )
