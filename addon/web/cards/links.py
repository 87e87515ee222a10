"""Where card buttons lead: the add-on's endpoint paths (one table, shared by the Flask routes) and the
absolute URLs cards carry. HTTP add-on actions name their endpoint by full URL, and Google signs each
request for exactly that URL, so paths carry no query strings: context travels in action parameters."""
from __future__ import annotations

from dataclasses import dataclass

PATHS: dict[str, str] = {
    "homepage": "/addon/homepage",
    "gmail": "/addon/gmail",
    "drive": "/addon/drive",
    "case_form": "/addon/case/form",
    "case_open": "/addon/case/open",
    "case_show": "/addon/case/show",
    "cases": "/addon/cases",
    "search_start": "/addon/search/start",
    "job": "/addon/job",
    "results": "/addon/results",
    "drive_check": "/addon/drive/check",
    "case_status": "/addon/case/status",
    "case_extend": "/addon/case/extend",
    "case_pause": "/addon/case/pause",
    "case_resume": "/addon/case/resume",
    "export": "/addon/export",
    "erase_approve": "/addon/erase/approve",
    # the other rights (issue 15): addon/web/rights.py
    "rights_job": "/addon/rights/job",
    "rectify_plan": "/addon/rectify/plan",
    "rectify_approve": "/addon/rectify/approve",
    "rectify_run": "/addon/rectify/run",
    "rectify_verify": "/addon/rectify/verify",
    "rectify_record": "/addon/rectify/record",
    "restrict_mark": "/addon/restrict/mark",
    "restrict_lift": "/addon/restrict/lift",
    "suppress_apply": "/addon/suppression/apply",
    "objection_decide": "/addon/objection/decide",
    # review decisions in the sidebar (issue 14): addon/web/review_cards.py
    "review_card": "/addon/review",
    "review_decide": "/addon/review/decide",
    "review_bulk": "/addon/review/bulk",
}
SHEETS_URL = "https://docs.google.com/spreadsheets/d/"


@dataclass(frozen=True)
class Links:
    base: str  # the add-on's public origin, e.g. "https://dsar.example.org"
    tracker_id: str | None = None  # the tracker spreadsheet, when one is configured

    def url(self, name: str) -> str:
        return self.base.rstrip("/") + PATHS[name]

    def page(self, path: str) -> str:
        """A page of this server outside the add-on endpoints (web sign-in)."""
        return self.base.rstrip("/") + path

    @property
    def tracker(self) -> str | None:
        return SHEETS_URL + self.tracker_id if self.tracker_id else None
