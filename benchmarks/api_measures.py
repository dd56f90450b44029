"""p50/p95 of the API's measure list over real HTTP, for the scale benchmark's table.

    python benchmarks/api_measures.py http://127.0.0.1:8031 zg_… [--requests 30] [--json]
        [--query "limit=50&status=in_progress"] [--pages 5]

Times ``GET /api/v1/measures?<query>`` ``--requests`` times on one keep-alive
connection after 2 warm-up requests, then walks ``--pages`` pages by cursor (the cost
of page n must not grow with n). Reports the client time and, when the server adds
``Server-Timing: app;dur=…`` (``zhenggai.scale.middleware.ServerTimingMiddleware``, on
in the scale benchmark's server), the server time, both as p50/p95 in milliseconds.
Give the token a high ``ZHENGGAI_API_RATE_PER_MINUTE`` or keep ``--requests`` under it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass

TIMING = re.compile(r"app;dur=([0-9.]+)")


@dataclass
class Result:
    url: str
    requests: int
    client_p50_ms: float
    client_p95_ms: float
    server_p50_ms: float | None
    server_p95_ms: float | None
    page_walk_ms: list[float]
    rows_per_page: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        self.conn = kind(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        self.prefix = parts.path.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(self, path: str) -> tuple[float, float | None, dict]:
        started = time.perf_counter()
        self.conn.request("GET", self.prefix + path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status} {body[:300]!r}")
        timing = TIMING.search(response.getheader("Server-Timing") or "")
        return elapsed, float(timing.group(1)) if timing else None, json.loads(body)


def run(base_url: str, token: str, query: str, requests: int, pages: int) -> Result:
    client = Client(base_url, token)
    path = f"/api/v1/measures?{query}"
    for _ in range(2):
        client.get(path)
    client_ms: list[float] = []
    server_ms: list[float] = []
    rows = 0
    for _ in range(requests):
        elapsed, server, body = client.get(path)
        client_ms.append(elapsed)
        if server is not None:
            server_ms.append(server)
        rows = len(body["items"])
    walk: list[float] = []
    cursor = None
    for _ in range(pages):
        url = path + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        elapsed, _server, body = client.get(url)
        walk.append(round(elapsed, 1))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return Result(
        url=path,
        requests=requests,
        client_p50_ms=percentile(client_ms, 0.5),
        client_p95_ms=percentile(client_ms, 0.95),
        server_p50_ms=percentile(server_ms, 0.5) if server_ms else None,
        server_p95_ms=percentile(server_ms, 0.95) if server_ms else None,
        page_walk_ms=walk,
        rows_per_page=rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("--query", default="limit=50")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.base_url, args.token, args.query, args.requests, args.pages)
    if args.json:
        print(json.dumps(asdict(result), ensure_ascii=False, indent=1))
    else:
        server = (
            f"server p50 {result.server_p50_ms} ms, p95 {result.server_p95_ms} ms; "
            if result.server_p50_ms is not None
            else ""
        )
        print(
            f"GET {result.url}: {server}client p50 {result.client_p50_ms} ms, "
            f"p95 {result.client_p95_ms} ms ({result.requests} requests, "
            f"{result.rows_per_page} rows); pages by cursor: {result.page_walk_ms} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
