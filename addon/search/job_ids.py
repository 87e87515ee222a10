"""The names of a search's job rows, shared by the in-process engine and the queued workers so that either
can resume the other: ``search:REF:RUN`` for the job, ``search:REF:RUN/KEY`` for each unit."""
from __future__ import annotations

#: the ``kind`` of a unit's job row
UNIT_KIND = "search-unit"


def job_id(ref: str, run_no: int = 0) -> str:
    return f"search:{ref}:{run_no}"


def unit_job_id(job: str, key: str) -> str:
    return f"{job}/{key}"
