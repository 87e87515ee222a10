"""Forms v1 state: a form's questions and responses. A form is also a Drive file
(``application/vnd.google-apps.form``) with the same id, so Drive's sharing decides who may read it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

FORM_MIME = "application/vnd.google-apps.form"
KINDS = ("text", "paragraph", "choice", "checkbox", "dropdown", "date", "scale")


@dataclass
class Question:
    id: str  # questionId (8 hex digits in Google; any short id here)
    item_id: str
    title: str
    kind: str = "text"
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Response:
    id: str
    submitted: dt.datetime
    answers: dict[str, list[str]]  # questionId -> values
    email: str | None = None


@dataclass
class Form:
    id: str
    owner: str
    title: str
    description: str = ""
    questions: list[Question] = field(default_factory=list)
    responses: dict[str, Response] = field(default_factory=dict)
    revision: int = 1

    def question_json(self, q: Question) -> dict[str, Any]:
        body: dict[str, Any]
        if q.kind in ("text", "paragraph"):
            body = {"textQuestion": {"paragraph": True} if q.kind == "paragraph" else {}}
        elif q.kind == "date":
            body = {"dateQuestion": {"includeYear": True}}
        elif q.kind == "scale":
            body = {"scaleQuestion": {"low": 1, "high": max(2, len(q.options) or 5)}}
        else:
            kind = {"choice": "RADIO", "checkbox": "CHECKBOX", "dropdown": "DROP_DOWN"}[q.kind]
            body = {"choiceQuestion": {"type": kind, "options": [{"value": o} for o in q.options]}}
        question: dict[str, Any] = {"questionId": q.id, **body}
        if q.required:
            question["required"] = True
        return {"itemId": q.item_id, "title": q.title, "questionItem": {"question": question}}

    def to_json(self) -> dict[str, Any]:
        return {"formId": self.id, "info": {"title": self.title, "documentTitle": self.title,
                                            **({"description": self.description} if self.description else {})},
                "settings": {"emailCollectionType": "DO_NOT_COLLECT"},
                "revisionId": f"{self.revision:08x}",
                "responderUri": f"https://docs.google.com/forms/d/e/{self.id}/viewform",
                "items": [self.question_json(q) for q in self.questions],
                "publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}}}


def stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def response_json(form: Form, r: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"formId": form.id, "responseId": r.id, "createTime": stamp(r.submitted),
                           "lastSubmittedTime": stamp(r.submitted)}
    if r.email:
        out["respondentEmail"] = r.email
    out["answers"] = {qid: {"questionId": qid, "textAnswers": {"answers": [{"value": v} for v in values]}}
                      for qid, values in r.answers.items() if values}
    return out
