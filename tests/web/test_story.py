"""The measure page's story built in Python: order, markup and escaping."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from zhenggai.web.story import timeline_html
from zhenggai.web.views.measure import timeline

AT = dt.datetime(2026, 3, 27, 1, 5, tzinfo=dt.UTC)  # 09:05 in Asia/Shanghai
HOSTILE = '<script>alert("x")</script>'


def update(pk: int, *, claim: bool = False, files: list | None = None, minutes: int = 0):
    return SimpleNamespace(
        pk=pk,
        is_completion_claim=claim,
        author=f"{HOSTILE}作者",
        created_at=AT + dt.timedelta(minutes=minutes),
        text=f"第一行{HOSTILE}\n第二行",
        files=files or [],
    )


def review(pk: int, *, reason: str = "", minutes: int = 0):
    return SimpleNamespace(
        pk=pk,
        stage="leader",
        decision="returned",
        reason=reason,
        reviewer="分管领导",
        created_at=AT + dt.timedelta(minutes=minutes),
    )


def test_entries_newest_first_with_escaped_text(db) -> None:
    evidence = SimpleNamespace(
        pk=7,
        original_name=f"{HOSTILE}.pdf",
        size=2048,
        uploaded_at=AT,
        sha256="a" * 64,
    )
    entries = timeline(
        [update(1, files=[evidence]), update(2, claim=True, minutes=10)],
        [review(3, reason=f"退回{HOSTILE}\n请补充", minutes=20), review(4, minutes=30)],
    )
    html = str(timeline_html(entries))
    assert html.startswith('<ol class="timeline">') and html.endswith("</ol>")
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 6  # two authors, two texts, a reason, a file name
    order = [html.index(f) for f in ("event--review event--returned", "event--claim")]
    assert order == sorted(order)  # the newest (the reviews) first
    assert html.index("event--claim") < html.index('class="event event--progress"')
    assert "提交审核(申请销号)" in html and "报送进展" in html
    assert "<strong>分管领导审核 · 退回</strong> · 分管领导 · " in html
    assert "第一行&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in html
    assert "请补充" in html and html.count('<p class="long-text">') == 3  # no empty reason
    local = timezone.localtime(AT)
    assert f'<time datetime="{local.isoformat()}">2026年3月27日 09:05</time>' in html
    assert '<ul class="files" aria-label="佐证材料">' in html
    assert "2.0\xa0KB" in html
    assert "SHA-256 aaaaaaaaaaaa…" in html


def test_no_entries_no_list() -> None:
    assert timeline_html([]) == ""
