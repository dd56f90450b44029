"""A small HTTP client for the benchmark: keep-alive, cookies, login, Server-Timing."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMING = re.compile(r"app;dur=([0-9.]+)")
DB_TIMING = re.compile(r"db;dur=([0-9.]+)")


@dataclass
class Reply:
    status: int
    server_ms: float | None
    client_ms: float
    queries: int | None
    body: bytes
    location: str = ""
    db_ms: float | None = None


class Session:
    """One signed-in person on one keep-alive connection (not thread-safe: one per thread)."""

    def __init__(self, host: str, port: int, timeout: float = 60) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in range(2):
            started = time.perf_counter()
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
        client_ms = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        timing = TIMING.search(response.getheader("Server-Timing") or "")
        db_timing = DB_TIMING.search(response.getheader("Server-Timing") or "")
        queries = response.getheader("X-Query-Count")
        return Reply(
            response.status,
            float(timing.group(1)) if timing else None,
            client_ms,
            int(queries) if queries else None,
            data,
            response.getheader("Location") or "",
            float(db_timing.group(1)) if db_timing else None,
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
        return self.request("POST", path, form)

    def login(self, username: str, password: str) -> None:
        page = self.get("/login/")
        match = TOKEN.search(page.body.decode("utf-8", "replace"))
        if not match:
            raise RuntimeError(f"no login form (status {page.status})")
        reply = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password},
        )
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed for {username}: {reply.status}")
