"""Browser tests: Playwright's Python package driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
# from it (the factories) unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# A reader's browser: Chromium's own headless User-Agent is (rightly) not counted as a reader.
READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
OTHER_READER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """Before the session's live server loads its middleware: it speaks plain HTTP, so no HTTPS redirect."""
    from django.test.utils import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _serve_media(settings):
    """The live server also serves uploaded photos (production leaves that to the web server)."""
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture
def new_page(browser):
    """new_page(user_agent=..., width=..., height=...) -> a page in its own context (own cookies)."""
    contexts = []

    def make(user_agent=READER, width=1280, height=900):
        context = browser.new_context(user_agent=user_agent, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text))
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in_page(page, live_server, user):
    """Give `page` the session of `user` signed in with both steps (password and second factor),
    made by a test client: the one place browser tests sign staff in (tests/browser/test_sign_in.py
    walks the real screens)."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import login_verified

    client = Client()
    login_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return page
