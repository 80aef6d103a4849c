"""Small helpers the browser journeys share."""

from playwright.sync_api import Browser, Locator, Page

from tests.conftest import ARTIFACTS
from tracker.demo import content
from tracker.demo.services import DEMO_PASSWORD


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit_sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill and send the sign-in form as a person would (callers wait for where they land)."""
    page.goto(base_url + "/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def officer_of(company: content.DemoCompany) -> str:
    return f"officer@{company.slug}.example"


def new_page(browser: Browser) -> Page:
    """A page in a browser of its own: no cookies shared with any other."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def item_card(page: Page, item_id: str) -> Locator:
    return page.locator(f'article[id="{item_id}"]')
