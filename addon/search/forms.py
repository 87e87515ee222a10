"""Searching the organisation's Google Forms responses: one unit for the whole organisation. Each account's
forms are found through Drive (``files.list`` by the form mime type, owned by that account), then each
form's questions are read once (``forms.get``) and every response (``forms.responses.list``) is confirmed
locally on its answers and the respondent's email, acting as the form's owner.

Checkpointed after every page: which accounts' forms are listed, and each form's next page token.

Item: ``{"source": "forms", "account" (the form's owner), "form_id", "form_title", "response_id",
"respondent_email", "submitted", "questions" (the titles of the answers that matched), "matched"}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from googleapiclient.errors import HttpError

from ..queries.drive import literal
from . import evidence

FORM = "application/vnd.google-apps.form"
PAGE = 5000  # forms.responses.list maximum pageSize
FORM_LINK = "https://docs.google.com/forms/d/{form_id}/edit#responses"


def question_titles(form: dict) -> dict[str, str]:
    """questionId -> the question's title (grid rows carry their row title too)."""
    out: dict[str, str] = {}
    for item in form.get("items") or []:
        title = item.get("title", "")
        q = (item.get("questionItem") or {}).get("question") or {}
        if q.get("questionId"):
            out[q["questionId"]] = title
        for row in (item.get("questionGroupItem") or {}).get("questions") or []:
            if row.get("questionId"):
                out[row["questionId"]] = f"{title} › {(row.get('rowQuestion') or {}).get('title', '')}".strip(" ›")
    return out


def answer_values(answer: dict) -> list[str]:
    text = [a.get("value", "") for a in (answer.get("textAnswers") or {}).get("answers") or []]
    files = [f.get("fileName", "") for f in (answer.get("fileUploadAnswers") or {}).get("answers") or []]
    return [v for v in text + files if v]


def response_evidence(matcher: Any, response: dict, titles: dict[str, str]) -> tuple[list[dict], list[str]]:
    """(evidence, titles of the questions whose answers matched)."""
    found: list[list[dict]] = []
    questions: list[str] = []
    for qid, ans in sorted((response.get("answers") or {}).items()):
        hits = evidence.from_hits(matcher.match_text("\n".join(answer_values(ans))), "answer")
        if hits:
            found.append(hits)
            questions.append(titles.get(qid, qid))
    if response.get("respondentEmail"):
        found.append(evidence.from_hits(matcher.match_text(response["respondentEmail"]), "respondent"))
    return evidence.merge(*found), questions


def response_item(owner: str, form_id: str, title: str, response: dict, matched: list[dict],
                  questions: list[str]) -> dict:
    return {"source": "forms", "account": owner, "form_id": form_id, "form_title": title,
            "response_id": response["responseId"], "respondent_email": response.get("respondentEmail", ""),
            "submitted": response.get("lastSubmittedTime") or response.get("createTime", ""),
            "questions": questions, "matched": matched}


def list_forms(drive: Any, account: str) -> list[dict]:
    """The forms ``account`` owns (not trashed): ``[{"id", "name"}]``."""
    out, token = [], None
    q = f"mimeType = '{FORM}' and {literal(account)} in owners and trashed = false"
    while True:
        resp = drive.files().list(q=q, pageSize=1000, pageToken=token, spaces="drive", corpora="user",
                                  fields="nextPageToken, files(id, name)").execute()
        out += [{"id": f["id"], "name": f.get("name", "")} for f in resp.get("files", [])]
        token = resp.get("nextPageToken")
        if not token:
            return out


@dataclass
class FormsUnit:
    """Every form in the organisation for one case; ``state`` is the JSON-able checkpoint."""

    accounts: list[str]
    drive_for: Callable[[str], Any]  # account -> audited Drive client (drive.search)
    forms_for: Callable[[str], Any]  # account -> audited Forms client (forms.read_form + forms.search)
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None

    def run(self) -> None:
        st = self.state
        st.setdefault("forms", {})  # account -> [{"id", "name"}]
        st.setdefault("pages", {})  # form id -> next page token, "" when done
        st.setdefault("titles", {})
        for acct in self.accounts:
            if acct not in st["forms"]:
                st["forms"][acct] = list_forms(self.drive_for(acct), acct)
                self.save(st)
        for acct in self.accounts:
            forms = None
            for f in st["forms"][acct]:
                if st["pages"].get(f["id"]) == "":
                    continue
                forms = forms or self.forms_for(acct)
                self._form(acct, forms, f)

    def _form(self, owner: str, forms: Any, f: dict) -> None:
        st = self.state
        fid = f["id"]
        try:
            if fid not in st["titles"]:
                form = forms.forms().get(formId=fid).execute()
                st["titles"][fid] = {"title": (form.get("info") or {}).get("title") or f["name"],
                                     "questions": question_titles(form)}
            meta = st["titles"][fid]
            while st["pages"].get(fid) != "":
                resp = forms.forms().responses().list(formId=fid, pageSize=PAGE,
                                                      pageToken=st["pages"].get(fid) or None).execute()
                items = []
                for r in resp.get("responses", []):
                    matched, questions = response_evidence(self.matcher, r, meta["questions"])
                    if matched:
                        items.append(response_item(owner, fid, meta["title"], r, matched, questions))
                self.progress("candidates", len(resp.get("responses", [])))
                self.progress("fetched", len(resp.get("responses", [])))
                st["pages"][fid] = resp.get("nextPageToken") or ""
                if items:
                    self.emit(items)
                self.save(st)
        except HttpError as e:
            if e.resp.status != 404:  # the form was deleted since it was listed
                raise
            st["pages"][fid] = ""
            self.save(st)
