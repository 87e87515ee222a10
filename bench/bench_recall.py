"""Recall and precision on data the team did not write, per category of written form.

Sources, all independent of this project and available offline:
- names: Faker's person providers for en_GB, en_IE, ga_IE, fr_FR, de_DE, es_ES and pl_PL (apostrophes, Irish
  particles, hyphenated double-barrelled surnames, diacritics), and Faker's first names as middle names;
- phone numbers: ``phonenumbers``' example number for every GB number type, written in phonenumbers' own
  formats, out of country (from FR and DE), and in the groupings of Faker's en_GB phone formats;
- emails and identifiers: Faker's en_GB emails and National Insurance numbers (``ssn``);
- MIME: the real-world messages of CPython's ``test_email`` data (filler, and carriers whose text part is
  replaced by a mention), beside messages rendered plain, quoted-printable, base64, HTML and reply-quoted.

Every subject is searched with the real ``dsar`` search over a sandbox seeded with the corpus. Each planted item
belongs to one category; positives must be found, near misses (a shared first name or surname alone,
initials, a similar address, a number one digit off, an identifier sharing a prefix) must not.
Run: python bench/bench_recall.py [--subjects N] [--seed S]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
import sysconfig
import tempfile
import unicodedata
from collections import defaultdict
from email import message_from_bytes, policy
from email.charset import BASE64, QP, Charset
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phonenumbers  # noqa: E402
from faker import Faker  # noqa: E402

USER = "dpo@recall.test"
LOCALES = ("en_GB", "en_IE", "ga_IE", "fr_FR", "de_DE", "es_ES", "pl_PL")
CATEGORIES = ("name/apostrophe", "name/diacritic", "name/last-first", "name/middle", "name/hyphenated",
              "phone/grouping", "phone/prefix", "phone/spreadsheet", "email/part", "identifier", "negatives")


def strip(s: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", s)
                                                if not unicodedata.combining(c)))


def has_marks(s: str) -> bool:
    return strip(s) != s


# --- subjects from Faker -----------------------------------------------------------------------------------

def pick(fakers: dict[str, Faker], r: random.Random, want, locales=LOCALES, tries=400) -> str:
    for _ in range(tries):
        v = want(fakers[r.choice(locales)])
        if v:
            return v
    raise RuntimeError("no Faker value fitted")


def make_subjects(n: int, r: random.Random, fakers: dict[str, Faker]) -> list[dict]:
    examples = [phonenumbers.example_number_for_type("GB", t) for t in phonenumbers.PhoneNumberType.values()
                if t not in (phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE, phonenumbers.PhoneNumberType.UNKNOWN)]
    examples = [e for e in examples if e is not None]
    used: set[str] = set()
    out = []
    for i in range(n):
        def surname_with(test):
            return lambda f: (lambda s: s if test(s) and s not in used else None)(f.last_name())
        apos = pick(fakers, r, surname_with(lambda s: "'" in s), ("en_IE",))
        hyph = pick(fakers, r, lambda f: (lambda w: w if "-" in w and w not in used else None)(f.name().split()[-1]),
                    ("en_GB",))  # Faker's en_GB name formats make double-barrelled surnames
        marked = pick(fakers, r, surname_with(lambda s: has_marks(s) and " " not in s), ("fr_FR", "de_DE", "es_ES", "pl_PL", "ga_IE"))
        plain = pick(fakers, r, surname_with(lambda s: s.isalpha() and s.isascii() and len(s) > 3), ("en_GB",))
        used.update((apos, hyph, marked, plain))
        given = pick(fakers, r, lambda f: (lambda g: g if g.isalpha() and len(g) > 2 else None)(f.first_name()))
        base = examples[i % len(examples)]
        nsn = phonenumbers.national_significant_number(base)
        for step in range(1000):  # vary the last digits so subjects differ, keeping the type and a valid range
            digits = nsn[:-3] + f"{(int(nsn[-3:]) + 37 * i + step) % 1000:03d}"
            number = phonenumbers.parse("+44" + digits, None)
            if phonenumbers.is_valid_number(number) and digits not in used:
                break
        used.add(digits)
        email = fakers["en_GB"].user_name() + f".{i}@" + r.choice(("example.com", "example.org", "example.net"))
        ni = fakers["en_GB"].ssn().replace(" ", "")[:2] + f"{r.randrange(10**6):06d}" + "T"
        out.append({"n": i, "given": given, "apos": apos, "hyph": hyph, "marked": marked, "plain": plain,
                    "phone": number, "email": email, "ni": ni, "typed_marks": i % 2 == 0})
    return out


def case_names(s: dict) -> list[str]:
    """The names staff type for the subject: each surname form the person uses, diacritics as the case has them
    (half the subjects are typed with them, half without, so the text has the other spelling)."""
    marked = s["marked"] if s["typed_marks"] else strip(s["marked"])
    given = s["given"] if s["typed_marks"] else strip(s["given"])
    return [f"{given} {s['apos']}", f"{given} {s['hyph']}", f"{given} {marked}", f"{given} {s['plain']}"]


# --- written forms -----------------------------------------------------------------------------------------

def faker_groupings(fakers: dict[str, Faker]) -> list[str]:
    """The separator patterns of Faker's en_GB phone formats (digits as slots)."""
    prov = fakers["en_GB"].provider("faker.providers.phone_number")
    fmts = list(getattr(prov, "formats", ())) + list(getattr(prov, "cellphone_formats", ()))
    return sorted(set(fmts))


def grouped(number, fmt: str) -> str | None:
    nsn = phonenumbers.national_significant_number(number)
    slots = sum(c.isdigit() or c == "#" for c in fmt)
    if fmt.startswith("+44(0)"):
        digits, skip = "440" + nsn, 0
    elif fmt.startswith("+44"):
        digits, skip = "44" + nsn, 0
    else:
        digits, skip = "0" + nsn, 0
    if slots != len(digits) - skip:
        return None
    it = iter(digits)
    return "".join(next(it) if (c.isdigit() or c == "#") else c for c in fmt)


def one_off(text: str, r: random.Random) -> str:
    pos = [i for i, c in enumerate(text) if c.isdigit()]
    i = pos[-1 - r.randrange(min(4, len(pos)))]
    return text[:i] + str((int(text[i]) + 1 + r.randrange(8)) % 10) + text[i + 1:]


def positives(s: dict, r: random.Random, fakers: dict[str, Faker]) -> list[tuple[str, str]]:
    """(category, written mention) pairs for a subject."""
    g, gm = s["given"], s["given"]
    text_given = strip(g) if s["typed_marks"] else g  # the spelling opposite to the case's
    text_marked = strip(s["marked"]) if s["typed_marks"] else s["marked"]
    a = s["apos"]
    out = [
        ("name/apostrophe", f"{g} {a}"), ("name/apostrophe", f"{g} {a.replace(chr(39), chr(0x2019))}"),
        ("name/apostrophe", f"{g} {a.replace(chr(39), '')}"), ("name/apostrophe", f"{g} {a.replace(chr(39), ' ')}"),
        ("name/apostrophe", f"{a.upper().replace(chr(39), '')} {g}"),
        ("name/diacritic", f"{text_given} {text_marked}"), ("name/diacritic", f"{text_marked}, {text_given}"),
        ("name/diacritic", f"{text_given.upper()} {text_marked.upper()}"),
        ("name/last-first", f"{s['plain']}, {gm}"), ("name/last-first", f"{s['plain'].upper()} {gm}"),
        ("name/last-first", f"{a}, {gm}"), ("name/last-first", f"{s['hyph']},{gm}"),
        ("name/hyphenated", f"{g} {s['hyph']}"), ("name/hyphenated", f"{g} {s['hyph'].replace('-', ' ')}"),
        ("name/hyphenated", f"{g} {s['hyph'].replace('-', '')}"), ("name/hyphenated", f"{g} {s['hyph'].replace('-', chr(0x2013))}"),
    ]
    middle = fakers["en_GB"].first_name()
    out += [("name/middle", f"{g} {middle} {s['plain']}"), ("name/middle", f"{g} {middle[0]}. {s['plain']}"),
            ("name/middle", f"{g} {middle[0]} {s['hyph']}")]
    n = s["phone"]
    fmt = phonenumbers.PhoneNumberFormat
    out += [("phone/prefix", phonenumbers.format_number(n, f)) for f in (fmt.NATIONAL, fmt.INTERNATIONAL, fmt.E164)]
    out += [("phone/prefix", phonenumbers.format_out_of_country_calling_number(n, c)) for c in ("FR", "DE")]
    out.append(("phone/prefix", phonenumbers.format_number(n, fmt.RFC3966).replace("tel:", "tel: ")))
    written = sorted({w for w in (grouped(n, f) for f in faker_groupings(fakers)) if w})
    out += [("phone/grouping", w) for w in r.sample(written, min(8, len(written)))]
    nsn = phonenumbers.national_significant_number(n)
    out += [("phone/grouping", f"+44{nsn[:4]} {nsn[4:7]} {nsn[7:]}"), ("phone/grouping", f"0{nsn[:4]}.{nsn[4:]}")]
    out += [("email/part", s["email"]), ("email/part", s["email"].upper())]
    ni = s["ni"]
    out += [("identifier", ni), ("identifier", f"{ni[:2]} {ni[2:8]} {ni[8:]}"), ("identifier", ni.lower()),
            ("identifier", f"{ni[:2]}-{ni[2:8]}-{ni[8:]}")]
    return out


def near_misses(s: dict, r: random.Random, fakers: dict[str, Faker]) -> list[str]:
    g = s["given"]
    other = next(x for x in (fakers["en_GB"].last_name() for _ in range(100))
                 if x not in (s["plain"], s["apos"], s["hyph"], s["marked"]))  # a near miss, not the subject
    n = s["phone"]
    nat = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
    local, domain = s["email"].split("@")
    return [f"{g} {other}", f"Mr {s['plain']}", f"{g[0]} {s['plain']}", f"{g[0]}. {s['hyph']}", f"Dear {g},",
            f"{s['apos']} family", one_off(nat, r), one_off(phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164), r),
            f"{local}x@{domain}", f"{local}@{domain}.au", s["ni"][:8] + "0" + s["ni"][8:], s["ni"] + "7"]


# --- rendering -------------------------------------------------------------------------------------------

def cpython_samples() -> list[bytes]:
    """CPython's own real-world email test messages (filler and carriers)."""
    root = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"
    return [p.read_bytes() for p in sorted(root.glob("msg_*.txt"))]


def render_message(mid: str, mention: str, style: str, email_part: bool, s_email: str | None,
                   when: dt.datetime, carrier: bytes | None) -> bytes:
    body = f"Hello,\n\nPlease see the note about {mention} from last week.\n\nRegards\n"
    if carrier is not None:
        m = message_from_bytes(carrier, policy=policy.compat32)
        if not m.is_multipart() and m.get_content_type() == "text/plain":
            cs = Charset("utf-8")
            cs.body_encoding = QP if style == "quoted-printable" else BASE64
            del m["Content-Transfer-Encoding"]
            m.set_payload(body, cs)
            for h in ("Message-ID", "X-Gmail-Labels"):
                del m[h]
            m["Message-ID"] = mid
            m["X-Gmail-Labels"] = "Inbox"
            return m.as_bytes()
    m = EmailMessage()
    m["From"] = "Office <office@recall.test>"
    m["To"] = USER
    m["Subject"] = "Note"
    if email_part and style == "header":
        m.replace_header("From", f"\"{mention.split('@')[0]}\" <{mention}>")
        body = "Hello,\n\nThanks.\n"
    m["Date"] = format_datetime(when)
    m["Message-ID"] = mid
    m["X-Gmail-Labels"] = "Inbox"
    if style == "html":
        link = f'<a href="mailto:{mention}">{mention}</a>' if email_part else mention
        m.set_content(f"<html><body><p>Please see the note about {link}.</p></body></html>", subtype="html")
    elif style == "reply":
        m.set_content(f"Thanks, noted.\n\nOn Mon, 5 Jan 2026, Office wrote:\n> Please see the note about\n> {mention}\n")
    else:
        cte = {"quoted-printable": "quoted-printable", "base64": "base64"}.get(style, "8bit")
        m.set_content(body, cte=cte)
    return m.as_bytes()


def mbox_entry(raw: bytes) -> bytes:
    raw = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
    return b"From recall@recall.test Thu Jan  1 00:00:00 2026\n" + raw + b"\n"


LAST_ITEMS: list[dict] = []  # the items the last measure() found, for tests of their evidence
NOTES: dict[tuple, str] = {}  # item -> what was written (fake data), for --verbose
STYLES = ("plain", "quoted-printable", "base64", "html", "reply", "carrier-qp", "carrier-b64")


def build(root: Path, subjects: list[dict], r: random.Random, fakers: dict[str, Faker]) -> dict:
    """Write the fixture; return the truth: item key -> (subject index or None, category, positive)."""
    (root / USER / "Mail").mkdir(parents=True)
    drive = root / USER / "Drive"
    drive.mkdir()
    (root / "workspace.json").write_text(json.dumps(
        {"domain": "recall.test", "users": [{"email": USER, "name": "DPO", "admin": True}]}))
    truth: dict[tuple, tuple] = {}
    samples = cpython_samples()
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    k = 0
    with open(root / USER / "Mail" / "recall.mbox", "wb") as mbox:
        for raw in samples:  # real-world filler: none of it mentions a subject
            k += 1
            m = message_from_bytes(raw, policy=policy.compat32)
            del m["Message-ID"]
            m["Message-ID"] = f"<filler{k}@recall.test>"
            mbox.write(mbox_entry(m.as_bytes()))
            truth[("gmail", f"<filler{k}@recall.test>")] = (None, "negatives", False)
        for s in subjects:
            items = positives(s, r, fakers)
            for c, text in items:
                if c in ("phone/spreadsheet",):
                    continue
                k += 1
                style = r.choice(STYLES) if c != "email/part" else r.choice(("header", "html", "reply", "plain"))
                carrier = r.choice(samples) if style.startswith("carrier") else None
                mid = f"<p{k}@recall.test>"
                mbox.write(mbox_entry(render_message(mid, text, style.replace("carrier-qp", "quoted-printable")
                                                     .replace("carrier-b64", "base64"), c == "email/part",
                                                     s["email"], t0 + dt.timedelta(minutes=k), carrier)))
                truth[("gmail", mid)] = (s["n"], c, True)
                NOTES[("gmail", mid)] = f"{style}: {text}"
            for text in near_misses(s, r, fakers):
                k += 1
                mid = f"<n{k}@recall.test>"
                mbox.write(mbox_entry(render_message(mid, text, r.choice(STYLES[:5]), False, None,
                                                     t0 + dt.timedelta(minutes=k), None)))
                truth[("gmail", mid)] = (s["n"], "negatives", False)
                NOTES[("gmail", mid)] = text
            # Drive: a file named after the subject (apostrophe dropped), a letter, and a sheet
            name = f"{s['given']} {s['apos'].replace(chr(39), '')} letter {s['n']}.txt"
            (drive / name).write_text("Letter on file.\n")
            truth[("drive", name[:-4])] = (s["n"], "name/apostrophe", True)  # a .txt becomes a Doc (no extension)
            doc = f"notes {s['n']}.txt"
            (drive / doc).write_text(f"Call notes: {strip(s['marked'])}, {strip(s['given'])} rang.\n")
            truth[("drive", doc[:-4])] = (s["n"], "name/diacritic", True)
            write_sheet(drive, s, truth, r)
    return truth


def write_sheet(drive: Path, s: dict, truth: dict, r: random.Random) -> None:
    """A customer list as people keep them: a title row above the header, names split over columns, phone
    numbers as numbers (leading 0 lost), near misses in other rows."""
    nsn = phonenumbers.national_significant_number(s["phone"])
    name = f"customers {s['n']}.csv"
    rows = [["Customer list (export)"], ["Ref", "First name", "Surname", "Phone", "Notes"],
            ["1", s["given"], s["plain"], "", "split name"],
            ["2", "", "", nsn, "number without its 0"],
            ["3", "", "", "44" + nsn, "number with country code"],
            ["4", "", "", nsn + ".0", "number as a float"],
            ["5", s["given"], "Other", one_off(nsn, r), "near miss"],
            ["6", s["given"][0], s["plain"], "", "initial only"]]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    (drive / name).write_text(buf.getvalue())
    cats = {3: "name/last-first", 4: "phone/spreadsheet", 5: "phone/spreadsheet", 6: "phone/spreadsheet"}
    for row in range(1, len(rows) + 1):
        pos = row in cats
        truth[("sheets", name[:-4], row)] = (s["n"], cats.get(row, "negatives"), pos)  # a .csv becomes a Sheet


# --- measuring ---------------------------------------------------------------------------------------------

def measure(subjects: int, seed: int, verbose: bool = False) -> dict[str, dict[str, int]]:
    from addon.cli.case_cmd import open_case
    from addon.config import Settings
    from addon.search.service import run_search
    from addon.services import open_services
    from sandbox.server import SandboxServer

    r = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    Faker.seed(seed)
    subs = make_subjects(subjects, r, fakers)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fixture"
        truth = build(root, subs, r, fakers)
        with SandboxServer(root, port=0, quota=False) as sb:
            services = open_services(Settings(home=Path(tmp) / "home", sandbox_url=sb.url, actor=USER,
                                              domain="recall.test", admin=USER, extra={"dpo": USER}))
            for s in subs:
                case = open_case(services, "access", case_names(s), [s["email"]],
                                 [phonenumbers.format_number(s["phone"], phonenumbers.PhoneNumberFormat.E164)],
                                 [s["ni"]], dt.date(2026, 11, 2), USER)
                found = run_search(services, case.ref, USER, accounts=[USER])
                LAST_ITEMS.extend(found)
                got = {key(i) for i in found}
                for k, (owner, cat, pos) in truth.items():
                    mine = owner == s["n"] and pos
                    if mine:
                        stats[cat]["tp" if k in got else "fn"] += 1
                        if k not in got and verbose:
                            print("missed", cat, k, NOTES.get(k, ""), case_names(s))
                    elif k in got:
                        stats[cat if owner == s["n"] else "negatives"]["fp"] += 1
                        if verbose:
                            print("false hit", cat, k, NOTES.get(k, ""), case_names(s))
                    elif owner == s["n"] and cat == "negatives":
                        stats["negatives"]["tn"] = stats["negatives"].get("tn", 0) + 1
                unknown = got - set(truth)
                stats["negatives"]["fp"] += len(unknown)
    return stats


def key(item: dict) -> tuple:
    if item["source"] == "gmail":
        return ("gmail", item.get("rfc822_message_id"))
    if item["source"] == "sheets":
        return ("sheets", item["path"], item["row"])
    return ("drive", item["path"])


def table(stats: dict[str, dict[str, int]]) -> list[str]:
    lines = [f"{'category':20} {'planted':>7} {'found':>6} {'missed':>6} {'false':>6} {'recall':>7} {'precision':>9}"]
    for cat in CATEGORIES:
        st = stats.get(cat, {"tp": 0, "fn": 0, "fp": 0})
        tp, fn, fp = st["tp"], st["fn"], st["fp"]
        if cat == "negatives":
            tn = st.get("tn", 0)
            lines.append(f"{cat:20} {tn + fp:7} {'':>6} {'':>6} {fp:6} {'':>7} {'(none found)' if not fp else fp:>9}")
            continue
        rec = tp / max(1, tp + fn)
        prec = tp / max(1, tp + fp)
        lines.append(f"{cat:20} {tp + fn:7} {tp:6} {fn:6} {fp:6} {rec:7.3f} {prec:9.3f}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subjects", type=int, default=12)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--verbose", action="store_true", help="list every miss and false hit")
    args = ap.parse_args()
    stats = measure(args.subjects, args.seed, args.verbose)
    print("\n".join(table(stats)))
    worst = min((st["tp"] / max(1, st["tp"] + st["fn"]) for c, st in stats.items() if c != "negatives"), default=1)
    print(f"lowest recall {worst:.3f}; false hits {sum(st['fp'] for st in stats.values())}")


if __name__ == "__main__":
    main()
