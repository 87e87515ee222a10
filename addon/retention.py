"""The product's own data retention: access packages are deleted after ``DSAR_PACKAGE_DAYS`` (default 30),
and a finished case's personal data is crypto-shredded ``DSAR_RETENTION_DAYS`` after it closed (default 730,
i.e. close + 2 years). Shredding the case key makes the sealed identifiers, results and audit ciphertexts
unreadable together; the case row keeps only its reference, dates and status (the accountability record).
Every deletion is itself an audit record."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field

from audit.errors import AuditError

from .errors import InputError

FINISHED = ("closed", "refused", "withdrawn")


@dataclass
class RetentionReport:
    shredded: list[str] = field(default_factory=list)
    packages_deleted: list[str] = field(default_factory=list)
    kept: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"shredded": self.shredded, "packages_deleted": self.packages_deleted, "kept": self.kept,
                "dry_run": self.dry_run}


def _days(name: str, settings, default: int) -> int:
    raw = os.environ.get(f"DSAR_{name.upper()}") or settings.extra.get(name.lower()) or default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InputError(f"DSAR_{name.upper()}", f"{raw!r} is not a whole number of days") from None
    if value < 0:
        raise InputError(f"DSAR_{name.upper()}", "must not be negative")
    return value


def due_for_shredding(closed_at: str | None, status: str, today: dt.date, keep_days: int) -> bool:
    """Pure: is a case past its retention date?"""
    if status not in FINISHED or not closed_at:
        return False
    return dt.datetime.fromisoformat(closed_at).date() + dt.timedelta(days=keep_days) < today


def run_retention(services, actor: str, today: dt.date | None = None, dry_run: bool = False) -> RetentionReport:
    today = today or dt.date.today()
    settings = services.settings
    keep_days = _days("retention_days", settings, 730)
    package_days = _days("package_days", settings, 30)
    report = RetentionReport(dry_run=dry_run)
    exports = settings.home / "exports"
    cutoff = dt.datetime.combine(today - dt.timedelta(days=package_days), dt.time(), dt.timezone.utc).timestamp()
    for folder in sorted(exports.iterdir()) if exports.is_dir() else []:
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.stat().st_mtime < cutoff:
                report.packages_deleted.append(f"{folder.name}/{f.name}")
                if not dry_run:
                    f.unlink()
                    services.trail.append({"actor": actor, "case": folder.name, "outcome": "retention",
                                           "operation": "retention.package",
                                           "detail": f"access package older than {package_days} days deleted"})
        if not dry_run and folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder)
    for case in services.store.list():
        row_closed = case.closed_at
        if not due_for_shredding(row_closed, case.status, today, keep_days):
            report.kept += 1
            continue
        if case.subject is None:  # shredded already
            continue
        report.shredded.append(case.ref)
        if dry_run:
            continue
        try:
            services.trail.shred(case.ref, actor)
        except AuditError as e:
            if "already" not in str(e):
                raise
        services.store.purge_sealed(case.ref)
        letters = settings.home / "letters-out" / case.ref  # drafted letters name the subject (addon/letters)
        if letters.is_dir():
            shutil.rmtree(letters)
        services.trail.append({"actor": actor, "case": case.ref, "outcome": "retention",
                               "operation": "retention.case",
                               "detail": f"closed {row_closed[:10]}; kept {keep_days} days; personal data shredded"})
    return report
