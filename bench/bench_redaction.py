"""Redaction recall and precision on planted third-party data the team did not write or fit to.

Sources, all independent of this project and available offline (as bench/bench_recall.py):
- people: Faker's person providers and emails for en_GB, en_IE, fr_FR, de_DE, es_ES, pl_PL and it_IT (the
  requester, the organisation's directory, extra Cc recipients, a quoted "On ... X <x@...> wrote:" line);
- real headers: the From/To/Cc of CPython's ``test_email`` data messages, as the message's own headers;
- phone numbers: ``phonenumbers``' example number of every type for GB (national, international, E.164,
  and Faker's en_GB groupings) and of 20 other regions (international and E.164), varied in their last digits.

Each planted message is built with the stdlib ``email`` package, then goes through the product's own path
(``addon.export.redacted.Redactor.email``: parse, collect header people, propose). A planted third-party span
counts as found when one redaction covers it whole; a redaction is correct when it overlaps a planted
third-party span. The requester's identifiers are planted in their written forms too, and must never be hidden.
Run: python bench/bench_redaction.py [--cases N] [--seed S]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import sysconfig
import unicodedata
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formataddr, getaddresses
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phonenumbers  # noqa: E402
from faker import Faker  # noqa: E402

from addon.export.redacted import Redactor  # noqa: E402
from addon.redaction.people import directory_people  # noqa: E402
from addon.subjects.identifiers import make_subject  # noqa: E402

LOCALES = ("en_GB", "en_IE", "fr_FR", "de_DE", "es_ES", "pl_PL", "it_IT")
REGIONS = ("IE", "FR", "DE", "ES", "PL", "IT", "NL", "BE", "US", "CA", "AU", "NZ", "IN", "ZA", "SE", "NO", "DK",
           "PT", "CH", "JP")
KINDS = ("directory", "name", "email", "phone")
GOAL = 0.98


def cpython_headers() -> list[dict[str, list[tuple[str, str]]]]:
    """(display name, address) of From/To/Cc in CPython's email test messages, where they hold an address."""
    root = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"
    out = []
    for p in sorted(root.glob("msg_*.txt")):
        m = message_from_bytes(p.read_bytes(), policy=policy.compat32)
        h = {k: [(d, a) for d, a in getaddresses([str(v) for v in m.get_all(k) or []])
                 if "@" in a and "." in a.split("@")[-1]] for k in ("From", "To", "Cc")}
        if any(h.values()):
            out.append(h)
    return out


def vary(number: phonenumbers.PhoneNumber, k: int) -> phonenumbers.PhoneNumber | None:
    nsn = phonenumbers.national_significant_number(number)
    for step in range(200):
        digits = nsn[:-2] + f"{(int(nsn[-2:]) + 7 * k + step) % 100:02d}"
        n = phonenumbers.parse(f"+{number.country_code}{digits}", None)
        if phonenumbers.is_valid_number(n):
            return n
    return None


def phone_pool(fakers: dict[str, Faker], r: random.Random) -> list[str]:
    """Written numbers: GB in several forms, other regions international; every one a valid number."""
    fmt = phonenumbers.PhoneNumberFormat
    out = []
    gb_types = [t for t in phonenumbers.PhoneNumberType.values()
                if phonenumbers.example_number_for_type("GB", t) is not None]
    for k in range(40):
        base = phonenumbers.example_number_for_type("GB", gb_types[k % len(gb_types)])
        n = vary(base, k)
        if n is not None:
            out += [phonenumbers.format_number(n, f) for f in (fmt.NATIONAL, fmt.INTERNATIONAL, fmt.E164)]
    for k, region in enumerate(REGIONS * 2):
        n = vary(phonenumbers.example_number(region), k)
        if n is not None:
            out += [phonenumbers.format_number(n, fmt.INTERNATIONAL), phonenumbers.format_number(n, fmt.E164)]
    for _ in range(200):  # Faker's own en_GB numbers, where phonenumbers calls them valid
        raw = fakers["en_GB"].phone_number()
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(raw, "GB")):
                out.append(raw)
        except phonenumbers.NumberParseException:
            pass
    r.shuffle(out)
    return out


def ascii_local(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    local = "".join(c for c in plain.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return re.sub(r"\.{2,}", ".", local).strip(".") or "x"


def two_words(name: str) -> tuple[str, str] | None:
    words = name.split()
    if len(words) != 2 or not all(w[:1].isupper() for w in words):
        return None
    return words[0], words[1]


class Body:
    """Text built sentence by sentence, remembering every planted span and its kind."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[tuple[int, int, str]] = []  # kind "requester" for the subject's own

    def say(self, *pieces: tuple[str, str | None]) -> None:
        for text, kind in pieces:
            if kind:
                self.spans.append((len(self.text), len(self.text) + len(text), kind))
            self.text += text
        self.text += "\n"


def name_form(body: Body, name: str, kind: str, r: random.Random) -> None:
    tw = two_words(name)
    style = r.randrange(5) if tw else 0
    if style == 0:
        body.say(("I spoke to ", None), (name, kind), (" about the account.", None))
    elif style == 1:
        body.say(("Entry: ", None), (f"{tw[1].upper()} {tw[0]}", kind), (" - callback requested.", None))
    elif style == 2:
        body.say(("Note from ", None), (f"{tw[1]}, {tw[0]}", kind), (" on file.", None))
    elif style == 3:
        body.say(("Thanks, ", None), (tw[0], kind), (".", None))
    else:
        body.say(("Please ask ", None), (f"{r.choice(('Mr', 'Ms', 'Dr'))} {tw[1]}", kind), (" to ring back.", None))


def make_case(i: int, r: random.Random, fakers: dict[str, Faker], cpy: list[dict], phones: list[str]) -> dict:
    f = fakers[r.choice(LOCALES)]
    first, last = f.first_name(), f.last_name().split()[0]
    req_email = f"{ascii_local(f.user_name())}.{i}@example.com"
    req_phone = phonenumbers.format_number(vary(phonenumbers.example_number_for_type(
        "GB", phonenumbers.PhoneNumberType.MOBILE), 500 + i), phonenumbers.PhoneNumberFormat.NATIONAL)
    ident = f"CUST-{100000 + i:06d}"
    subject = make_subject([f"{first} {last}"], [req_email], [req_phone], [ident])
    fr = {first.casefold(), last.casefold()}

    def person(locale=None):
        while True:
            g = fakers[locale or r.choice(LOCALES)]
            a, b = g.first_name(), g.last_name().split()[0]
            if not ({a.casefold(), b.casefold()} & fr):
                return f"{a} {b}"

    directory = []
    for k in range(8):
        n = person()
        local = ascii_local(n)
        directory.append({"primaryEmail": f"{local}.{k}@org-{i}.test", "name": {"fullName": n}})
    hdr = cpy[i % len(cpy)]
    extra = [(person(), ascii_local(fakers["en_GB"].user_name()) + f".{i}{k}@example.net") for k in range(2)]
    quoted = (person(), f"{ascii_local(fakers[r.choice(LOCALES)].user_name())}.q{i}@example.org")
    other_emails = [f"{ascii_local(fakers[r.choice(LOCALES)].user_name())}.{i}{k}@{fakers['en_GB'].free_email_domain()}"
                    for k in range(3)]

    msg = EmailMessage()
    from_ = hdr["From"] or [extra[0]]
    if i % 2:
        from_ = [(f"{first} {last}", req_email)]
    msg["From"] = ", ".join(formataddr(x) for x in from_)
    msg["To"] = ", ".join(formataddr(x) for x in [(f"{first} {last}", req_email),
                                                   (directory[0]["name"]["fullName"], directory[0]["primaryEmail"])]
                          + hdr["To"])
    msg["Cc"] = ", ".join(formataddr(x) for x in hdr["Cc"] + extra)
    header_people = from_ * (not i % 2) + hdr["To"] + hdr["Cc"]  # the third parties the headers really name
    msg["Subject"] = f"Account {ident}"
    msg["Date"] = "Mon, 02 Jun 2025 09:14:00 +0100"

    b = Body()
    b.say((f"Dear {first},", None))
    b.say((f"{first} {last}", "requester"), (" rang from ", None), (req_phone, "requester"), (" about ", None),
          (ident, "requester"), (" and wrote from ", None), (req_email, "requester"), (".", None))
    b.say(("Logged as ", None), (f"{last.upper()} {first}", "requester"), (f" on {f.date()} at {f.time()};"
                                                                         f" paid {r.randrange(10, 999)}.{r.randrange(100):02d}"
                                                                         f" GBP, order {r.randrange(10**7, 10**8)}.", None))
    for d, a in header_people + extra:
        if two_words(d) or len(d.split()) > 2:
            name_form(b, d, "name", r)
    for u in directory[:5]:
        name_form(b, u["name"]["fullName"], "directory", r)
        b.say(("Copy to ", None), (u["primaryEmail"], "directory"), (".", None))
    for e in other_emails:
        b.say(("They also used ", None), (e, "email"), (" once.", None))
    mine = phonenumbers.parse(req_phone, "GB")
    for _ in range(5):
        number = phones.pop()
        while phonenumbers.parse(number, "GB") == mine:  # the pool may hold the requester's own number
            number = phones.pop()
        b.say((r.choice(("Call ", "Tel: ", "mobile ", "Ring them on ")), None), (number, "phone"),
              (f" ({fakers['en_GB'].postcode()})", None))
    b.say((fakers["en_GB"].sentence(), None))
    b.say(("On Mon, 2 Jun 2025 at 09:14, ", None), (quoted[0], "name"), (" <", None), (quoted[1], "email"),
          ("> wrote:", None))
    b.say(("> ", None), (quoted[0].split()[0], "name"), (" here, please call back.", None))
    msg.set_content(b.text)
    return {"subject": subject, "directory": directory, "raw": msg.as_bytes(), "body": b,
            "headers": {h: [x for x in (from_ if h == "From" else [])] for h in ("From",)},
            "header_truth": header_people + extra + [(directory[0]["name"]["fullName"],
                                                              directory[0]["primaryEmail"])],
            "dir_emails": {u["primaryEmail"].casefold() for u in directory},
            "requester": (f"{first} {last}", req_email)}


def header_spans(text: str, case: dict) -> list[tuple[int, int, str]]:
    """Planted spans in a decoded header: each third party's address and multi-word display name."""
    out = []
    req_name, req_email = case["requester"]
    for d, a in case["header_truth"]:
        if a.casefold() == req_email.casefold():
            continue
        for needle, kind in ((a, "directory" if a.casefold() in case["dir_emails"] else "email"),
                             (d, "directory" if a.casefold() in case["dir_emails"] else "name")):
            if not needle or (needle is d and len(d.split()) < 2):
                continue
            i = text.find(needle)
            if i >= 0:
                out.append((i, i + len(needle), kind))
    for needle in (req_name, req_email):
        i = text.find(needle)
        if i >= 0:
            out.append((i, i + len(needle), "requester"))
    return list(dict.fromkeys(out))  # the same address in To and Cc is one span of the header it is in


def body_spans(text: str, body: Body) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for a, b, kind in body.spans:
        needle = body.text[a:b]
        i = text.find(needle, pos)
        if i < 0:
            continue
        out.append((i, i + len(needle), kind))
        pos = i
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    r = random.Random(args.seed)
    Faker.seed(args.seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    cpy = cpython_headers()
    phones = phone_pool(fakers, r)
    while len(phones) < args.cases * 5:
        phones += phones[:]
    planted, found, proposed, correct, kind_ok = Counter(), Counter(), Counter(), Counter(), Counter()
    requester_hidden = requester_planted = 0
    misses: list[str] = []
    for i in range(args.cases):
        case = make_case(i, r, fakers, cpy, phones)
        red = Redactor(case["subject"], [], directory_people(case["directory"]), {})
        _, final, view = red.email(case["raw"], {"source": "gmail", "account": "dpo@org.test", "message_id": str(i)})
        truth: dict[str, list[tuple[int, int, str]]] = {}
        for p in view.parts:
            if p.name.startswith("header:") and p.name != "header:Subject":
                truth[p.name] = header_spans(p.text, case)
            elif p.name == "body":
                truth[p.name] = body_spans(p.text, case["body"])
        for part, spans in truth.items():
            mine = [x for x in final if x.part == part]
            for a, b, kind in spans:
                covering = [x for x in mine if x.span[0] < b and a < x.span[1]]
                if kind == "requester":
                    requester_planted += 1
                    requester_hidden += bool(covering)
                    continue
                planted[kind] += 1
                whole = [x for x in covering if x.span[0] <= a and b <= x.span[1]]
                if whole:
                    found[kind] += 1
                    kind_ok[kind] += whole[0].kind == kind
                elif len(misses) < 12:
                    misses.append(f"{kind}: {view.text(part)[a:b]!r} in {part}")
        for x in final:
            proposed[x.kind] += 1
            spans = truth.get(x.part, [])
            correct[x.kind] += any(x.span[0] < b and a < x.span[1] for a, b, k in spans if k != "requester")
    print(f"Redaction on {args.cases} planted messages (Faker {len(LOCALES)} locales, CPython test_email headers "
          f"from {len(cpy)} messages, phonenumbers examples for GB + {len(REGIONS)} regions)")
    print(f"{'kind':<10} {'planted':>8} {'found':>6} {'recall':>7} {'proposed':>9} {'precision':>10} {'same kind':>10}")
    for k in KINDS:
        rec = found[k] / planted[k] if planted[k] else 1.0
        prec = correct[k] / proposed[k] if proposed[k] else 1.0
        print(f"{k:<10} {planted[k]:>8} {found[k]:>6} {rec:>7.3f} {proposed[k]:>9} {prec:>10.3f} "
              f"{kind_ok[k] / found[k] if found[k] else 1:>10.3f}")
    tp, tf, pp, pc = sum(planted.values()), sum(found.values()), sum(proposed.values()), sum(correct.values())
    print(f"{'all':<10} {tp:>8} {tf:>6} {tf / tp:>7.3f} {pp:>9} {pc / pp:>10.3f}")
    print(f"requester identifiers planted: {requester_planted}")
    print(f"requester identifiers redacted: {requester_hidden}")
    print(f"goal: recall >= {GOAL} -> {'met' if tf / tp >= GOAL else 'NOT met'}; requester never redacted -> "
          f"{'met' if requester_hidden == 0 else 'NOT met'}")
    for m in misses:
        print("  missed", m)


if __name__ == "__main__":
    main()
