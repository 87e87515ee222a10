"""The recall benchmark's categories, small: one subject from Faker, phonenumbers and CPython's email test data,
searched for by the real search over the sandbox. Every category is found in full, no near miss is, and every
item says why it matched (kind, part, confidence) without any of the text."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import bench_recall  # noqa: E402

from addon.search import evidence  # noqa: E402


@pytest.fixture(scope="module")
def stats():
    bench_recall.LAST_ITEMS.clear()
    return bench_recall.measure(subjects=2, seed=5)


@pytest.mark.parametrize("category", [c for c in bench_recall.CATEGORIES if c != "negatives"])
def test_category_recall_and_precision(stats, category):
    st = stats[category]
    assert st["tp"] > 0
    assert st["tp"] / (st["tp"] + st["fn"]) >= 0.98, st
    assert st["fp"] == 0, st


def test_no_near_miss_found(stats):
    assert stats["negatives"]["fp"] == 0 and stats["negatives"].get("tn", 0) > 0


def test_every_item_says_why_it_matched(stats):
    items = bench_recall.LAST_ITEMS
    assert items
    for item in items:
        assert item["matched"], item
        for e in item["matched"]:
            assert set(e) == {"kind", "part", "confidence"}
            assert e["kind"] in evidence.KINDS and e["part"] in evidence.PARTS and e["confidence"] in ("exact", "variant")
    parts = {e["part"] for i in items for e in i["matched"]}
    assert {"header", "body", "file_name", "content", "cell"} <= parts
    assert any(e["confidence"] == "variant" for i in items for e in i["matched"])
