"""Black-box checks of a running server, for ``zhenggai security-check`` (docs/security.md).

Each check talks HTTP to the server as a browser would and answers PASS, FAIL or SKIP
with a short reason. Nothing here reads the database: the checks show what an assessor
(测评) sees from outside.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT = re.compile(r'<div class="form-error" role="alert">(.*?)</div>', re.S)
DEBUG_MARKERS = (
    "Traceback",
    "DEBUG = True",
    "django.core.handlers",
    "INSTALLED_APPS",
    'id="traceback"',
)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    set_cookies: list[str]

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Result:
    name: str
    outcome: str  # PASS, FAIL, SKIP
    detail: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    base: str
    timeout: float = 20.0
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        method: str,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        url = path if path.startswith("http") else f"{self.base}{path}"
        req = urllib.request.Request(
            url, data=data, method=method, headers={"Referer": self.base + "/", **(headers or {})}
        )
        try:
            response = self.opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read().decode("utf-8", "replace")
        heads = {k.lower(): v for k, v in response.headers.items()}
        cookies = response.headers.get_all("Set-Cookie") or []
        return Reply(
            response.status if hasattr(response, "status") else response.code, heads, body, cookies
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def csrf(self, path: str) -> str:
        match = TOKEN.search(self.get(path).body)
        return match.group(1) if match else ""

    def post(self, path: str, form: dict[str, str], token_from: str | None = None) -> Reply:
        token = self.csrf(token_from or path)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}).encode()
        return self.request(
            "POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_multipart(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes]],
        token_from: str,
    ) -> Reply:
        token = self.csrf(token_from)
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in {"csrfmiddlewaretoken": token, **fields}.items():
            parts.append(
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            head = (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def alert_text(body: str) -> str:
    match = ALERT.search(body)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


@dataclass
class Options:
    url: str
    username: str
    password: str
    totp_secret: str = ""
    other_unit_url: str = ""
    measure_id: int | None = None
    error_url: str = ""
    attempts: int = 5


def sign_in(options: Options, browser: Browser) -> Reply:
    reply = browser.post("/login/", {"username": options.username, "password": options.password})
    location = reply.header("Location")
    if reply.status == 302 and "/login/totp/" in location:
        if not options.totp_secret:
            return reply
        import pyotp

        code = pyotp.TOTP(options.totp_secret).now()
        reply = browser.post("/login/totp/", {"code": code})
    return reply


def check_headers(options: Options) -> Result:
    reply = Browser(options.url).get("/login/")
    missing = []
    csp = reply.header("Content-Security-Policy")
    if "frame-ancestors" not in csp:
        missing.append("Content-Security-Policy frame-ancestors")
    if reply.header("X-Content-Type-Options").lower() != "nosniff":
        missing.append("X-Content-Type-Options")
    if not reply.header("Referrer-Policy"):
        missing.append("Referrer-Policy")
    if options.url.startswith("https://"):
        hsts = reply.header("Strict-Transport-Security")
        match = re.search(r"max-age=(\d+)", hsts)
        if not match or int(match.group(1)) < 31536000 or "includesubdomains" not in hsts.lower():
            missing.append("Strict-Transport-Security")
    cookies = " ".join(reply.set_cookies).lower()
    if "csrftoken" in cookies and "samesite" not in cookies:
        missing.append("SameSite cookie")
    if missing:
        return Result("headers", "FAIL", "missing: " + ", ".join(missing))
    note = "" if options.url.startswith("https://") else " (HSTS not checked over http)"
    return Result("headers", "PASS", "CSP frame-ancestors, nosniff, Referrer-Policy" + note)


def check_lockout(options: Options) -> Result:
    throwaway = f"zg-check-{secrets.token_hex(4)}"
    browser = Browser(options.url)
    first = ""
    for _ in range(options.attempts):
        reply = browser.post(
            "/login/", {"username": throwaway, "password": secrets.token_urlsafe(12)}
        )
        first = first or alert_text(reply.body)
    after = alert_text(browser.post("/login/", {"username": throwaway, "password": "x"}).body)
    if after and after != first:
        return Result("lockout", "PASS", f"{throwaway} locked after {options.attempts} failures")
    return Result("lockout", "FAIL", f"no lock message after {options.attempts} failures")


def check_enumeration(options: Options) -> Result:
    browser = Browser(options.url)
    unknown = alert_text(
        browser.post(
            "/login/", {"username": f"zg-none-{secrets.token_hex(4)}", "password": "Wr0ng-pass!"}
        ).body
    )
    known = alert_text(
        browser.post("/login/", {"username": options.username, "password": "Wr0ng-pass!"}).body
    )
    if unknown and unknown == known:
        return Result(
            "no account enumeration", "PASS", "same answer for a known and an unknown name"
        )
    return Result("no account enumeration", "FAIL", f"answers differ: {unknown!r} / {known!r}")


def check_session(options: Options, browser: Browser) -> Result:
    home = browser.get("/")
    if home.status != 200:
        return Result("session", "FAIL", f"signed-in home answered {home.status}")
    if "no-store" not in home.header("Cache-Control"):
        return Result("session", "FAIL", "authenticated page without Cache-Control: no-store")
    old = browser.cookie("sessionid")
    browser.post("/logout/", {}, token_from="/")
    replay = Browser(options.url)
    replay.jar.set_cookie(_cookie("sessionid", old or "", options.url))
    again = replay.get("/")
    if again.status == 302 and "/login/" in again.header("Location"):
        return Result(
            "session", "PASS", "no-store; an old session cookie after logout gets the login page"
        )
    return Result("session", "FAIL", f"old session cookie after logout answered {again.status}")


def _cookie(name: str, value: str, url: str) -> http.cookiejar.Cookie:
    host = urllib.parse.urlsplit(url).hostname or ""
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        host,
        False,
        False,
        "/",
        True,
        False,
        None,
        True,
        None,
        None,
        {},
    )


def check_upload(options: Options, browser: Browser) -> Result:
    if options.measure_id is None:
        return Result("upload refusal", "SKIP", "no --measure-id")
    page = f"/measures/{options.measure_id}/"
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 248
    reply = browser.post_multipart(
        f"/measures/{options.measure_id}/progress/",
        {"text": "security-check"},
        {"files": ("check.pdf", exe)},
        token_from=page,
    )
    if reply.status == 400 and "check.pdf" in reply.body:
        return Result("upload refusal", "PASS", ".exe renamed .pdf refused (400)")
    if reply.status in (403, 404):
        return Result(
            "upload refusal", "SKIP", f"this account may not report on measure {options.measure_id}"
        )
    return Result("upload refusal", "FAIL", f"answered {reply.status}")


def check_other_unit(options: Options, browser: Browser) -> Result:
    if not options.other_unit_url:
        return Result("other unit", "SKIP", "no --other-unit-url")
    reply = browser.get(options.other_unit_url)
    if reply.status in (403, 404):
        return Result("other unit", "PASS", f"{options.other_unit_url} answered {reply.status}")
    return Result("other unit", "FAIL", f"{options.other_unit_url} answered {reply.status}")


def check_errors(options: Options) -> Result:
    browser = Browser(options.url)
    replies = [browser.get(f"/zg-check-{secrets.token_hex(4)}/")]
    if options.error_url:
        replies.append(browser.get(options.error_url))
    leaks = [r.status for r in replies if any(m in r.body for m in DEBUG_MARKERS)]
    if options.error_url and replies[-1].status != 500:
        return Result(
            "errors", "FAIL", f"{options.error_url} answered {replies[-1].status}, expected 500"
        )
    if leaks:
        return Result("errors", "FAIL", f"debug information in a {leaks[0]} page")
    checked = "404 and 500" if options.error_url else "404 (no --error-url for a 500)"
    return Result("errors", "PASS", f"{checked} pages show no traceback")


def run_all(options: Options) -> list[Result]:
    results = [check_headers(options), check_errors(options), check_enumeration(options)]
    browser = Browser(options.url)
    reply = sign_in(options, browser)
    if reply.status != 302 or "/login" in reply.header("Location"):
        results.append(
            Result("sign-in", "FAIL", f"could not sign in as {options.username} ({reply.status})")
        )
    else:
        results.append(Result("sign-in", "PASS", f"signed in as {options.username}"))
        steps: list[Callable[[Options, Browser], Result]] = [
            check_upload,
            check_other_unit,
            check_session,
        ]
        results += [step(options, browser) for step in steps]
    # Last: it locks a throw-away name (and counts failures against this address).
    results.append(check_lockout(options))
    return results
