"""Small bar charts as inline SVG, drawn on the server: the auditor view works with no script from a CDN
(none is reachable for many users) and the figures are in the page itself. Pure functions."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

BAR = "#1a73e8"
AXIS = "#5f6368"


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def columns(series: Sequence[tuple[str, int]], title: str, width: int = 640, height: int = 220) -> str:
    """Vertical bars (e.g. calls per day); labels under every few bars so they never overlap."""
    left, bottom, top = 44, 36, 24
    plot_w, plot_h = width - left - 10, height - bottom - top
    top_value = _nice_max(max((v for _, v in series), default=0))
    n = max(len(series), 1)
    slot = plot_w / n
    every = math.ceil(n / max(1, plot_w // 70))  # room for a label every ~70 px
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
           f'<text x="{left}" y="16" font-size="13" fill="{AXIS}">{escape(title)}</text>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{AXIS}">'
                   f'{top_value * frac:g}</text>')
    for i, (label, value) in enumerate(series):
        h = plot_h * value / top_value
        bar_w = min(max(slot * 0.7, 1), 48)
        x = left + i * slot + (slot - bar_w) / 2
        out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                   f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>')
        if i % every == 0:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle" '
                       f'fill="{AXIS}">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def bars(series: Sequence[tuple[str, int]], title: str, width: int = 640, row: int = 22) -> str:
    """Horizontal bars (e.g. calls per API method), largest first as given."""
    label_w, top = 260, 28
    height = top + row * max(len(series), 1) + 8
    plot_w = width - label_w - 60
    top_value = max((v for _, v in series), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="13" fill="{AXIS}">{escape(title)}</text>']
    for i, (label, value) in enumerate(series):
        y = top + i * row
        w = plot_w * value / top_value
        out.append(f'<text x="{label_w - 8}" y="{y + row * 0.65:.1f}" font-size="12" text-anchor="end" fill="#202124">'
                   f'{escape(label)}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" fill="{BAR}" rx="2">'
                   f'<title>{escape(label)}: {value}</title></rect>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + row * 0.65:.1f}" font-size="12" fill="{AXIS}">{value}</text>')
    out.append("</svg>")
    return "".join(out)


def per_day(records: Iterable[dict]) -> list[tuple[str, int]]:
    """Calls per UTC day, every day between the first and last present (empty days as 0)."""
    days = Counter(r["time"][:10] for r in records)
    if not days:
        return []
    first, last = dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))
    span = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [(d, days.get(d, 0)) for d in span]


def per_api(records: Iterable[dict], limit: int = 15) -> list[tuple[str, int]]:
    counts = Counter(r.get("api_method") or r.get("operation") or "?" for r in records)
    return counts.most_common(limit)
