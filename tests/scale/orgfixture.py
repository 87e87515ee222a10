"""A synthetic organisation for scale tests and the bench: N users with small mailboxes and Drives, in
the sandbox's Takeout-style layout. Every ``hit_every``-th message and document mentions the subject,
so the expected items are known by construction (``expected.json``)."""
from __future__ import annotations

import email.utils
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

SUBJECT = {"names": ["Jane Doe"], "emails": ["jane.doe@example.com"], "phones": [], "identifiers": []}
DOMAIN = "scale.test"
BASE = 1_735_689_600  # 2025-01-01T00:00:00Z


def write_org(root: str | Path, users: int = 200, messages: int = 8, docs: int = 2, hit_every: int = 4,
              sheet_every: int = 25, sheets_per_drive: int = 0) -> dict:
    """Write the fixture; returns the expected counts {"gmail", "drive", "sheets", "users", "messages"}."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    people = [{"email": f"user{i:04d}@{DOMAIN}", "name": f"User {i:04d}", "admin": i == 0} for i in range(users)]
    people.append({"email": f"dpo@{DOMAIN}", "name": "Data Protection", "admin": False})
    (root / "workspace.json").write_text(json.dumps({"domain": DOMAIN, "users": people}), encoding="utf-8")
    exp = {"gmail": 0, "drive": 0, "sheets": 0, "users": users, "messages": 0}
    n = 0
    for i, person in enumerate(people[:users]):
        home = root / person["email"]
        (home / "Mail").mkdir(parents=True, exist_ok=True)
        box = mailbox.mbox(str(home / "Mail" / "All mail.mbox"))
        box.lock()
        for j in range(messages):
            n += 1
            hit = n % hit_every == 0
            msg = EmailMessage()
            msg["From"] = f"customer{j}@example.net" if j % 2 else person["email"]
            msg["To"] = person["email"] if j % 2 else f"customer{j}@example.net"
            msg["Subject"] = f"Account query {n}"
            msg["Date"] = email.utils.formatdate(BASE + n * 60, usegmt=True)
            msg["Message-ID"] = f"<m{n}@{DOMAIN}>"
            msg["X-Gmail-Labels"] = "Inbox,Opened" if j % 2 else "Sent"
            body = (f"Call notes {n}: spoke with Jane Doe about her account." if hit
                    else f"Call notes {n}: routine query about an invoice, customer {j}.")
            msg.set_content(body)
            box.add(msg)
            exp["gmail"] += hit
            exp["messages"] += 1
        box.flush()
        box.unlock()
        drive = home / "Drive"
        drive.mkdir(exist_ok=True)
        for k in range(docs):
            n += 1
            hit = n % hit_every == 0
            text = f"Notes {n}. " + ("Complaint from Jane Doe, resolved." if hit else "Nothing personal here.")
            (drive / f"notes-{k}.txt").write_text(text, encoding="utf-8")
            exp["drive"] += hit
        for k in range(sheets_per_drive):  # spreadsheet-heavy Drives: small sheets, one row in hit_every is hers
            n += 1
            hit = n % hit_every == 0
            who = "Jane Doe" if hit else f"Customer {n}"
            (drive / f"accounts-{k:02d}.csv").write_text(
                f"Name,Account,Balance\nCustomer {n}a,A-{n},12.50\n{who},B-{n},3\n", encoding="utf-8")
            exp["sheets"] += hit
        if sheet_every and i % sheet_every == 0:
            (drive / "customers.csv").write_text("Name,Account\nJane Doe,A-1\nJohn Smith,A-2\n", encoding="utf-8")
            exp["sheets"] += 1
    (root / "expected.json").write_text(json.dumps(exp), encoding="utf-8")
    return exp
