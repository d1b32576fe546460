"""The playground in a real browser: Debian's chromium driven by Playwright (never `playwright
install`). Skipped only when chromium is absent; .ci/run installs it, so CI always runs this.

MSGLINT_PLAYGROUND_SCREENSHOT=docs/playground.png pytest -m browser   refreshes the README's picture.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

HASKELL_FIRST = "Nicely done! You’re getting FIFTY PERCENT OFF"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def playground_url():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "msglint", "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # the server answers once its pipeline is loaded
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"msglint serve did not start: {server.stdout.read().decode()}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_typing_haskells_line_then_lowering_the_customer_level(browser, playground_url, tmp_path):
    page = browser.new_page(viewport={"width": 980, "height": 640})
    page.goto(playground_url)
    page.locator("#copy").press_sequentially(HASKELL_FIRST, delay=5)

    praise = page.locator('#findings li[data-rule="expressive.unearned-praise"]')
    praise.wait_for(timeout=20_000)
    page.wait_for_function("document.querySelector('#copy').value.length > 0 && "
                           "document.querySelector('#pyramid').dataset.copyLevel === '4'", timeout=20_000)
    assert "Drop the praise and state the offer: 'You’re getting FIFTY PERCENT OFF'" in praise.inner_text()
    assert page.locator('#highlighted mark[data-rule="expressive.unearned-praise"]').inner_text() == "Nicely done"
    assert page.locator('#pyramid g.band[data-level="4"][data-copy="true"]').count() == 1
    assert page.locator("#pyramid").get_attribute("data-customer-level") == ""
    assert page.locator('#findings li[data-rule="pyramid.overreach"]').count() == 0

    page.select_option("#customer-level", "1")
    overreach = page.locator('#findings li[data-rule="pyramid.overreach"]')
    overreach.wait_for(timeout=20_000)
    pyramid = page.locator("#pyramid")
    assert (pyramid.get_attribute("data-copy-level"), pyramid.get_attribute("data-customer-level"),
            pyramid.get_attribute("data-allowed-up-to")) == ("4", "1", "2")
    assert page.locator('#pyramid g.band[data-level="1"][data-customer="true"]').count() == 1
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("class") == "overreach"
    assert "a customer at level 1 (utility) may be reached up to level 2 (convenience)" in verdict.inner_text()

    screenshot = Path(os.environ.get("MSGLINT_PLAYGROUND_SCREENSHOT") or tmp_path / "playground.png")
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000

    praise.get_by_role("button", name="Apply rewrite").click()
    page.wait_for_function("!document.querySelector('#findings li[data-rule=\"expressive.unearned-praise\"]')",
                           timeout=20_000)
    assert page.locator("#copy").input_value() == "You’re getting FIFTY PERCENT OFF"
    page.close()


def test_bad_input_shows_the_error_not_a_crash(browser, playground_url):
    page = browser.new_page()
    page.goto(playground_url)
    page.locator("#copy").fill("---\n[oops\n---\nShoes")
    page.wait_for_function("document.querySelector('#status').textContent.includes('front matter')", timeout=20_000)
    page.close()


def test_emoji_do_not_shift_highlights_or_rewrites(browser, playground_url):
    """msglint counts code points, JavaScript UTF-16 units: the page converts between them."""
    page = browser.new_page()
    page.goto(playground_url)
    page.locator("#copy").fill("🎉🎉 You’ve been given this Delta flight deal under $200")
    gift = page.locator('#findings li[data-rule="expressive.false-selection"]')
    gift.wait_for(timeout=20_000)
    assert page.locator('#highlighted mark[data-rule="expressive.false-selection"]').inner_text() == "You’ve been given"
    gift.get_by_role("button", name="Apply rewrite").click()
    page.wait_for_function("!document.querySelector('#findings li[data-rule=\"expressive.false-selection\"]')",
                           timeout=20_000)
    assert page.locator("#copy").input_value() == "🎉🎉 This Delta flight deal under $200"
    page.close()
