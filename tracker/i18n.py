"""Languages: English and Simplified Chinese, chosen by the reader and remembered in a cookie."""

from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import Babel, get_locale

from tracker.domain.checklist import Text
from tracker.links import safe_next
from tracker.resources import PACKAGE_DIR

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The reader's choice if they made one, else the best match for their browser."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    # Browsers send zh-CN, zh-Hans, zh; all of them mean Simplified Chinese here.
    best = request.accept_languages.best_match(["en", "zh_CN", "zh-CN", "zh-Hans", "zh"])
    if best and best.startswith("zh"):
        return "zh_CN"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """``en`` or ``zh_CN`` (Babel itself names the latter zh_Hans_CN)."""
    locale = get_locale()
    if locale is None:
        return "en"
    return "zh_CN" if locale.language == "zh" else locale.language


def localized(text: Text | None) -> str:
    """Pick the current language from a bilingual checklist text."""
    return text.get(current_locale()) if text is not None else ""


@bp.get("/language/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back to the page the reader was on."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
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
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
