"""The keyboard focus ring stands out from what it sits on by at least 3:1 (WCAG 2.2 focus
appearance, 1.4.11 non-text contrast), in Chromium: every element the Tab key reaches on the
home page and a form page, on the dark header, the page's wash and white cards alike."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.support.browser import DESKTOP, screenshot

# The focused element's rings and the background colour it sits on (the first ancestor, itself
# included, with an opaque background).
FOCUS_COLOURS = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  let node = e, background = null;
  while (node && node.nodeType === 1) {
    const b = getComputedStyle(node).backgroundColor;
    if (b && b !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(b)) { background = b; break; }
    node = node.parentElement;
  }
  return {
    what: e.tagName.toLowerCase() + ' ' + (e.textContent || '').trim().slice(0, 30),
    outline: style.outlineStyle === 'none' ? null : style.outlineColor,
    ring: style.boxShadow,
    background: background || 'rgb(255, 255, 255)',
  };
}"""
RGB = re.compile(r"rgba?\((\d+), (\d+), (\d+)")


def luminance(colour: str) -> float:
    channels = [int(c) / 255 for c in RGB.search(colour).groups()]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)") < 3  # the old ring on white


@pytest.mark.parametrize("path", ["/", "/sign-in"])
def test_every_focus_ring_stands_out_three_to_one(browser: Browser, live_server, path):
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(live_server + path)
        seen = []
        for _ in range(25):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_COLOURS)
            if focus["what"].startswith("body"):
                break
            rings = [focus["outline"], *RGB.findall(focus["ring"] or "")]
            colours = [r if isinstance(r, str) else f"rgb({', '.join(r)})" for r in rings if r]
            assert colours, f"{focus['what']}: no focus ring"
            best = max(contrast(colour, focus["background"]) for colour in colours)
            assert best >= 3, f"{focus['what']}: focus ring {best:.2f}:1 on {focus['background']}"
            seen.append(focus["what"])
        assert len(seen) >= 5, seen
        screenshot(page, f"focus-ring{path.replace('/', '-') or '-home'}")
    finally:
        context.close()
