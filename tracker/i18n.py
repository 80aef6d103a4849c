"""Languages: English and Simplified Chinese, chosen by the reader and remembered in a cookie.

Which spelling of a language goes where is tracker.domain.languages' table; this module applies
it to requests.
"""

from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.exceptions import HTTPException

from tracker.domain.languages import (
    EN,
    LANGUAGES,
    LOCALES,
    ZH,
    Language,
    Text,
    by_code,
    language_of,
)
from tracker.links import safe_next
from tracker.resources import PACKAGE_DIR

LANGUAGE_COOKIE = "lang"
# What browsers send for Simplified Chinese (zh-CN, zh-Hans, zh) and English, best first.
BROWSER_TAGS = ["en", "zh_CN", "zh-CN", "zh-Hans", "zh"]

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The reader's choice if they made one, else the best match for their browser."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(BROWSER_TAGS)
    if best:
        return language_of(best).locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> Language:
    """The language of the current request (English outside one)."""
    return language_of(get_locale())


def current_locale() -> str:
    """``en`` or ``zh_CN``: the current language's interface locale."""
    return current_language().locale


def sentence_gap() -> str:
    """What goes between two sentences translated apart: a space in English, nothing in
    Chinese (its full stop is a full-width character that holds its own space)."""
    return "" if current_language() is ZH else " "


def localized(text: Text | None) -> str:
    """A bilingual text in the current language."""
    return text.get(current_language()) if text is not None else ""


def return_path() -> str:
    """Where the language switch brings the reader back to: this page, or, for a page that
    answered a form at an address a GET does not show (a refused submission at /submit), the
    page the form was on (the Referer, if it is one of this site's pages), else the home page."""
    here = request.full_path if request.query_string else request.path
    rule = request.url_rule
    if request.method in ("GET", "HEAD") or (rule is not None and "GET" in (rule.methods or ())):
        return here
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and _shown_by_get(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/"


def _shown_by_get(path: str) -> bool:
    adapter = current_app.url_map.bind(request.host, script_name=request.root_path or None)
    try:
        adapter.match(path, method="GET")
    except HTTPException:
        return False
    return True


@bp.get("/language/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back to the page the reader was on."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        localized=localized,
        current_locale=current_locale,
        current_language=current_language,
        language_return_path=return_path,
        sentence_gap=sentence_gap,
        LANGUAGES=LANGUAGES,
        EN=EN,
        ZH=ZH,
    )


def language_asked(name: str = "lang") -> Language:
    """The language a query parameter asks for (``en`` or ``zh``, as in report addresses), else
    the request's (for feeds and badges, which readers and other sites fetch without the
    language cookie); any other value is a 404, as for the PDFs."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return current_language()
    language = by_code(raw)
    if language is None:
        abort(404)
    return language
