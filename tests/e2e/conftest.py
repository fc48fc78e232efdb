"""The browser tests: Playwright driving the system Chromium against pytest-django's
live server.

On a machine without Chromium these tests are skipped with a plain reason, and the rest
of the suite runs; with E2E_REQUIRED=1 (CI sets it) a missing browser fails them instead,
so the browser tests can never be skipped silently where they must run.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOT_INSTALLED = "Chromium is not installed: apt-get install chromium to run the browser tests"

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
NARROW, WIDE = 360, 1280


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return shutil.which(path) if os.sep not in path else None


@pytest.fixture(scope="session")
def chromium_executable():
    path = chromium_path()
    problem = None
    if path is None:
        problem = NOT_INSTALLED
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "The playwright package is not installed: make install sets it up."
    if problem:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 and the browser tests cannot run. {problem}", False)
        pytest.skip(problem)
    return path


@pytest.fixture(scope="package")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from it ("you cannot call this from an async context"). The test's
    # own queries are ordinary synchronous code; the live server runs in its own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
            # While the loop runs, Django keeps this thread's database connections apart
            # from the ones it had before (asgiref's context-local storage): close them
            # here, or PostgreSQL cannot drop the test database at the end.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("signing") / "e2e.p12"
    call_command(
        "create_signing_key",
        path=str(path),
        common_name="Siap Ekspor browser-test signer",
        verbosity=0,
    )
    return path


@pytest.fixture(scope="package", autouse=True)
def _reference_data_for_the_tests_after_these(django_db_blocker):
    # A transactional test empties every table when it ends, reference data included;
    # put it back for whatever runs after the browser tests.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def site(chromium_executable, live_server, settings, signing_key, transactional_db):
    """The live server with the reference data, e-mail kept in memory and certificates
    signed with a throw-away key; its address in what the app prints (e-mails, QR)."""
    call_command("load_reference_data", verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIGNING_PKCS12_PATH = signing_key
    settings.SITE_URL = live_server.url
    return live_server


# Every page of every browser test reports what its Content-Security-Policy blocked:
# Chromium writes each refusal to the console, and this listener, run in each page before
# its own scripts, writes the directive and the place there too. A test that saw any fails
# when it ends.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or "Content Security Policy" in text


def _server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


@pytest.fixture
def new_context(browser, site):
    """new_context(width=..., locale=..., **playwright_options) -> a browser context (one
    person, one set of cookies) on the live server; all closed when the test ends."""
    contexts, csp_violations = [], []

    def collect(message):
        if is_csp_violation(message.text):
            page_url = message.page.url if message.page else "?"
            csp_violations.append(f"{page_url}: {message.text}")

    def make(width=WIDE, height=900, locale="en-US", **options):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            base_url=site.url,
            **options,
        )
        context.set_default_timeout(15_000)
        context.add_init_script(script=CSP_LISTENER)
        context.on("console", collect)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # Chromium keeps its connections to the live server open (keep-alive), and the
    # server's thread for each holds a database connection until the socket closes. Wait
    # for them to end, or the test database cannot be dropped (PostgreSQL refuses while
    # a session is connected).
    for thread in _server_threads():
        thread.join(timeout=10)
    if csp_violations:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(csp_violations), False)


@pytest.fixture
def open_page(new_context):
    """open_page() -> a new page in a context of its own, laptop-sized, English preferred."""

    def make(**kwargs):
        return new_context(**kwargs).new_page()

    return make


def in_thread(function, *args, **kwargs):
    """Run `function` in a thread of its own and return what it returns.

    While Playwright runs, this thread has a running event loop; code that runs one of
    its own (pyHanko signing a certificate when an application is certified, through
    asyncio) cannot run here. The live server's thread has no such loop, so pages do not
    need this: only data the test makes through the services."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def no_horizontal_scroll(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def loaded_width(image) -> int:
    """The natural width of an <img> once the browser has loaded it (0 if it failed): a
    photo may still be on its way when the page is ready."""
    return image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )


@pytest.fixture
def shoot():
    """shoot(page, name): screenshots at 360 and 1280 px wide into test-artifacts, after
    checking the page does not scroll sideways on a phone. Returns the problems found."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []

    def take(page, name):
        height = page.viewport_size["height"] if page.viewport_size else 900
        page.set_viewport_size({"width": NARROW, "height": 780})
        page.wait_for_timeout(50)
        scroll_width, _inner = no_horizontal_scroll(page)
        if scroll_width > NARROW:
            problems.append(f"{name}: {scroll_width} px wide at {NARROW} px ({page.url})")
        page.screenshot(path=SCREENSHOTS / f"{name}-{NARROW}.png", full_page=True)
        page.set_viewport_size({"width": WIDE, "height": height})
        page.wait_for_timeout(50)
        page.screenshot(path=SCREENSHOTS / f"{name}-{WIDE}.png", full_page=True)

    take.problems = problems
    return take
