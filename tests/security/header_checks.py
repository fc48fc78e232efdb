"""What the security headers tests check on an answer: a strict Content-Security-Policy,
no inline code in the page, and `Cache-Control: private, no-store`."""

from html.parser import HTMLParser

NO_STORE = "private, no-store"
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", "data:")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def strict_policy_problems(response) -> list[str]:
    """What makes this response's Content-Security-Policy less than strict."""
    policy = response.get("Content-Security-Policy")
    if policy is None:
        return ["no Content-Security-Policy"]
    found = directives(policy)
    problems = []
    # A photo opened on its own is drawn by the browser's image viewer, which styles it
    # inline; a raster image has no markup of its own to abuse that (kernel.stored_files).
    viewer_styles = response.get("Content-Type", "").startswith("image/") and found.get(
        "style-src"
    ) == ["'unsafe-inline'"]
    # A directive that is missing falls back to default-src; frame-ancestors does not, so
    # it must be there.
    for name in ("script-src", "style-src", "object-src", "img-src"):
        sources = found.get(name, found.get("default-src"))
        if sources is None:
            problems.append(f"neither {name} nor default-src")
        elif name == "style-src" and viewer_styles:
            continue
        elif name != "img-src" and any(s in UNSAFE for s in sources):
            problems.append(f"{name} {' '.join(sources)}")
        elif not set(sources) <= {"'self'", "'none'", "data:"}:
            problems.append(f"{name} allows {' '.join(sources)}")
    if found.get("object-src", found.get("default-src")) != ["'none'"]:
        problems.append("plugins (object-src) are allowed")
    if found.get("frame-ancestors") != ["'none'"]:
        problems.append("the page may be framed")
    if found.get("default-src") not in (["'self'"], ["'none'"]):
        problems.append(f"default-src {found.get('default-src')}")
    return problems


class InlineCode(HTMLParser):
    """The inline scripts, styles and event handlers in a page: what the policy blocks."""

    DATA_SCRIPTS = ("application/json", "application/ld+json")

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = "src" not in attributes and attributes.get("type") not in self.DATA_SCRIPTS
        if tag == "script" and inline:
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif name.startswith("on"):
                self.found.append(f"{name} on <{tag}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"a javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def drained(response):
    """Read a file response to its end: the test client then closes it with the database
    connection left alone (closing it by hand ends the test's transaction on PostgreSQL)."""
    b"".join(response.streaming_content)
    return response


def is_not_stored(response) -> bool:
    """private and no-store, whoever set them (allauth's and Django's never_cache add more)."""
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts
