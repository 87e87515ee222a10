"""The eight spreadsheets: customer list, callback log, complaints log, rota, absence tracker, requests
register, billing and call volumes. Subject rows are placed among filler rows at seeded positions and their
row numbers (1-based, header = row 1, as the sheet shows them) recorded in the ledger after placement.

.xlsx files are written with openpyxl, then re-zipped with fixed timestamps: openpyxl stamps the save time
into docProps/core.xml and every zip entry, which would make each run's bytes differ.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from .drive import DriveFile, drive_name
from .expected import Ledger
from .people import AISHA, CLIENTS, DPO, POSTCODES, ROTA_ONLY, STAFF, TOM, Numbers, customer_email, full_name
from .subjects import BOBBY, JANE, PRIYA, SIOBHAN, ZOE, Subject, written

FIXED_TIME = dt.datetime(2026, 3, 31, 18, 0, 0)
Row = list[Any]


@dataclass
class Plant:
    """A row to place: a hit for ``subject`` (or a decoy, when ``decoy`` says what it is)."""

    row: Row
    subject: Subject
    how: str
    evidence: str
    decoy: str = ""


@dataclass
class Tab:
    title: str
    header: Row
    rows: list[Row] = field(default_factory=list)


@dataclass
class Sheet:
    owner: str
    path: str
    tabs: list[Tab]
    when: dt.datetime


def place(rng: random.Random, ledger: Ledger, sheet: Sheet, tab: Tab, filler: list[Row], plants: list[Plant],
          adjacent: list[Plant] | None = None) -> None:
    """Mix ``plants`` into ``filler`` at seeded positions (``adjacent`` plants stay together, in order), then
    record each plant's final row number."""
    groups: list[list[Row | Plant]] = [[r] for r in filler]
    for p in plants:
        groups.insert(rng.randrange(len(groups) + 1), [p])
    if adjacent:
        groups.insert(rng.randrange(1, len(groups)), list(adjacent))
    path = drive_name(sheet.path)
    for group in groups:
        for item in group:
            if isinstance(item, Plant):
                tab.rows.append(item.row)
                n = len(tab.rows) + 1  # + header row
                if item.decoy:
                    ledger.decoy(item.subject, item.decoy, item.evidence, {"source": "sheets", "account": sheet.owner,
                                                                           "path": path, "sheet": tab.title, "row": n})
                else:
                    ledger.sheet(item.subject, sheet.owner, path, tab.title, n, item.how, item.evidence)
            else:
                tab.rows.append(item)


def xlsx_bytes(tabs: list[Tab]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for tab in tabs:
        ws = wb.create_sheet(tab.title)
        ws.append(tab.header)
        for row in tab.rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
    wb.properties.creator = "Northwind Call Handling"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def csv_bytes(tab: Tab, bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(tab.header)
    w.writerows([[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row] for row in tab.rows])
    return ("\ufeff" if bom else "").encode("utf-8") + buf.getvalue().encode("utf-8")


def to_file(sheet: Sheet, bom: bool = False) -> DriveFile:
    data = xlsx_bytes(sheet.tabs) if sheet.path.endswith(".xlsx") else csv_bytes(sheet.tabs[0], bom)
    return DriveFile(sheet.owner, sheet.path, data, sheet.when)


class Spreadsheets:
    def __init__(self, rng: random.Random, numbers: Numbers, ledger: Ledger) -> None:
        self.rng, self.numbers, self.ledger = rng, numbers, ledger

    def _day(self, start: dt.date = dt.date(2025, 1, 2), days: int = 450) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(days))

    def all(self) -> list[DriveFile]:
        return [to_file(self.customer_list()), to_file(self.callback_log()), to_file(self.complaints_log()),
                to_file(self.rota()), to_file(self.absence()), to_file(self.requests_register()),
                to_file(self.billing(), bom=True), to_file(self.call_volumes())]

    # --- customers ---------------------------------------------------------------------------------------
    def _customer(self, first: str, last: str, email: str = "", phone: str = "", cust: str = "",
                  client: int = -1) -> Row:
        r = self.rng
        title = r.choice(("Mr", "Mrs", "Ms", "Miss", "Dr", ""))
        firm = CLIENTS[client].firm if client >= 0 else r.choice(CLIENTS).firm
        return [cust or self.numbers.customer(), title, first, last, email, phone or self.numbers.phone(),
                r.choice(POSTCODES), firm, self._day(dt.date(2019, 1, 1), 2200)]

    def customer_list(self) -> Sheet:
        r, c, j, z, si, b, p = self.rng, self._customer, JANE, ZOE, SIOBHAN, BOBBY, PRIYA
        header = ["Customer no", "Title", "First name", "Last name", "Email", "Phone", "Postcode", "Client",
                  "Customer since"]
        sheet = Sheet(AISHA.email, "Operations/Customers (A-Z)/Customer list.xlsx",
                      [Tab("Active", header), Tab("Closed", header)], dt.datetime(2026, 3, 2, 17, 0))

        def filler(n: int) -> list[Row]:
            names = [full_name(r) for _ in range(n)]
            return [c(*name.split(), email=customer_email(name, r)) for name in names]

        def off(s: Subject) -> dict[str, str]:
            return {"cust": s.decoy_identifiers[0], "phone": written(s.decoy_phones[0], "national")}

        active = [
            Plant(c("Jane", "Doe", j.emails[0], written(j.phones[0], "national"), j.identifiers[0], 0), j,
                  "customer record: split name, email, phone, customer number", "Jane | Doe"),
            Plant(c("Zo\u00eb", "Ashworth-Brown", z.emails[0], written(z.phones[0], "intl"), z.identifiers[0], 1), z,
                  "customer record: split name with diacritic, landline +44 20 7946 0321", "Zo\u00eb | Ashworth-Brown"),
            Plant(c("Robert", "Tables", b.emails[0], written(b.phones[0], "compact"), b.identifiers[0], 4), b,
                  "customer record: name without the nickname (matches by email, phone, customer number)",
                  b.identifiers[0]),
            Plant(c("Jane", "Smith"), j, "", "Jane | Smith", decoy="same first name only: Jane Smith"),
            Plant(c("Peter", "Doe", "peter.doe@example.net", cust=j.decoy_identifiers[0]), j, "", "Peter | Doe",
                  decoy="same surname only (Peter Doe); customer number one digit off"),
            Plant(c("Jane", "Doe-Smith", "jds@example.org"), j, "", "Jane | Doe-Smith",
                  decoy="a longer double-barrelled surname (Doe-Smith)"),
            Plant(c("Jane", "Doherty", j.decoy_emails[0]), j, "", j.decoy_emails[0],
                  decoy="email one character different (jane.doe2@)"),
            Plant(c("Zo\u00eb", "Ashworth", **off(z)), z, "", "Zo\u00eb | Ashworth",
                  decoy="different surname (Ashworth); customer number and phone one digit off"),
            Plant(c("Liam", "Ashworth-Brown"), z, "", "Liam | Ashworth-Brown", decoy="same surname only"),
            Plant(c("Robert", "Fields", **off(b)), b, "", "Robert | Fields",
                  decoy="same first name only; customer number and phone one digit off"),
            Plant(c("Anil", "Patel"), p, "", "Anil | Patel", decoy="same surname only"),
            Plant(c("Priya", "Patil", phone=written(p.decoy_phones[0], "national")), p, "", "Priya | Patil",
                  decoy="surname one letter different; phone one digit off"),
        ]
        place(r, self.ledger, sheet, sheet.tabs[0], filler(110), active)
        closed = [
            Plant(c("Jane", "Doe", "", "", self.numbers.customer(), 0), j,
                  "an old closed account: the name split over First name / Last name is the only identifier",
                  "Jane | Doe"),
            Plant(c("Siobh\u00e1n", "O'Connor", si.emails[0], written(si.phones[0], "national"), si.identifiers[0], 3),
                  si, "closed customer record: split name with apostrophe and accent", "Siobh\u00e1n | O'Connor"),
            Plant(c("Declan", "O'Connor", **off(si)), si, "", "Declan | O'Connor",
                  decoy="same surname only; customer number and landline one digit off"),
            Plant(c("Siobh\u00e1n", "Kelly", si.decoy_emails[0]), si, "", "Siobh\u00e1n | Kelly",
                  decoy="same first name only, and the subject's local part at another domain"),
        ]
        place(r, self.ledger, sheet, sheet.tabs[1], filler(30), closed)
        return sheet

    def callback_log(self) -> Sheet:
        r, j, z, si, b = self.rng, JANE, ZOE, SIOBHAN, BOBBY
        tab = Tab("Callback log", ["Date", "Time", "Client", "Caller", "Phone", "Reason", "Taken by", "Done"])
        sheet = Sheet(AISHA.email, "Operations/Callbacks/Callback log.csv", [tab], dt.datetime(2026, 3, 30, 18, 0))
        handlers = ("Ellie", "Daniel", "Aisha", "Kwame", "Sophie")

        def row(caller: str, phone: str, client: int = -1, reason: str = "callback") -> Row:
            return [self._day(), f"{r.randrange(8, 21):02d}:{r.randrange(60):02d}",
                    CLIENTS[client].firm if client >= 0 else r.choice(CLIENTS).firm, caller, phone, reason,
                    r.choice(handlers), r.choice(("Y", "Y", "Y", "N"))]

        def caller() -> str:
            name = full_name(r)
            return name if r.random() < 0.8 else f"{r.choice(('Mr', 'Mrs', 'Ms'))} {name.split()[1]}"

        reasons = ("callback", "quote", "complaint", "booking", "cancel")
        filler = [row(caller(), self.numbers.phone(), reason=r.choice(reasons)) for _ in range(220)]
        j_off, z_off = written(j.decoy_phones[0], "national"), written(z.decoy_phones[0], "national")
        plants = [
            Plant(row("Doe, Jane", written(j.phones[0], "digits"), 0, "boiler callback"), j,
                  "callback entry: surname first 'Doe, Jane', phone as 447700900123", "Doe, Jane"),
            Plant(row("Zoe Ashworth-Brown", written(z.phones[1], "national"), 1, "appointment"), z,
                  "callback entry: name without the diacritic, mobile", "Zoe Ashworth-Brown"),
            Plant(row("Mrs O'Connor", written(si.phones[0], "national"), 3, "repair"), si,
                  "callback entry: surname only, but the subject's landline", written(si.phones[0], "national")),
            Plant(row("Bobby", written(b.phones[0], "intl"), 4, "quote"), b,
                  "callback entry: first name only, but the subject's mobile (+44 form)", written(b.phones[0], "intl")),
            Plant(row("Mr Wright", j_off, 0), j, "", j_off, decoy="phone one digit off"),
            Plant(row("Ms Ashworth", z_off, 1), z, "", z_off, decoy="different person; landline one digit off"),
        ]
        split = [Plant(row("Jane", self.numbers.mobile(), 0), j, "", "Jane",
                       decoy="name split over two rows: first name here"),
                 Plant(row("Doe", self.numbers.mobile(), 2), j, "", "Doe",
                       decoy="name split over two rows: surname here")]
        place(r, self.ledger, sheet, tab, filler, plants, adjacent=split)
        return sheet

    def complaints_log(self) -> Sheet:
        r, j, si, b = self.rng, JANE, SIOBHAN, BOBBY
        header = ["Ref", "Date received", "Customer no", "Client", "Category", "Summary", "Status", "Owner"]
        sheet = Sheet(TOM.email, "Complaints/Complaints log.xlsx", [Tab("2025", header), Tab("2026", header)],
                      dt.datetime(2026, 3, 27, 12, 0))
        summaries = ("Message not passed on", "Rude call handler", "Wrong number given", "Long hold time",
                     "Callback not made", "Booking error")

        def row(year: int, cust: str = "", client: int = -1, summary: str = "") -> Row:
            received = self._day(dt.date(year, 1, 2), 360 if year == 2025 else 85)
            return [f"C{year % 100}-{r.randrange(1000):03d}", received,
                    cust or self.numbers.customer(), CLIENTS[client].firm if client >= 0 else r.choice(CLIENTS).firm,
                    r.choice(("Service", "Staff", "Billing")), summary or r.choice(summaries),
                    r.choice(("Closed", "Closed", "Open")), r.choice(("Aisha", "Tom"))]

        place(r, self.ledger, sheet, sheet.tabs[0], [row(2025) for _ in range(45)], [
            Plant(row(2025, j.identifiers[0], 0, "Boiler callback promised for Friday not made"), j,
                  "complaint: customer number only", j.identifiers[0]),
            Plant(row(2025, si.identifiers[0], 3, "Messages to landlord not passed on"), si,
                  "complaint: customer number only", si.identifiers[0]),
            Plant(row(2025, j.decoy_identifiers[0], 0), j, "", j.decoy_identifiers[0],
                  decoy="customer number one digit off"),
            Plant(row(2025, si.decoy_identifiers[0], 3), si, "", si.decoy_identifiers[0],
                  decoy="customer number one digit off"),
        ])
        place(r, self.ledger, sheet, sheet.tabs[1], [row(2026) for _ in range(12)], [
            Plant(row(2026, b.identifiers[0], 4, "Quote not honoured"), b, "complaint: customer number only",
                  b.identifiers[0]),
        ])
        return sheet

    def rota(self) -> Sheet:
        r, p = self.rng, PRIYA
        header = ["Staff member", "Wk 1", "Wk 2", "Wk 3", "Wk 4", "Wk 5"]
        months = ("Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025")
        sheet = Sheet(AISHA.email, "Operations/Rota/Staff rota 2025.xlsx", [Tab(m, header) for m in months],
                      dt.datetime(2025, 12, 1, 8, 0))
        staff = [s.name for s in STAFF if s.role.startswith(("Call", "Operations"))] + list(ROTA_ONLY)

        def shifts() -> list[str]:
            return [r.choice(("E", "L", "E", "L", "OFF", "N")) for _ in range(5)]

        for i, tab in enumerate(sheet.tabs):
            plants = [Plant(["Priya Shah", *shifts()], p, "", "Priya Shah",
                            decoy="same first name only (another employee)")]
            if i < 3:
                row = [p.name, *shifts()] if i < 2 else [p.name, "E", "L", "E", "LEFT", ""]
                plants.append(Plant(row, p, "rota row: the subject's name in the Staff member column", p.name))
            place(r, self.ledger, sheet, tab, [[name, *shifts()] for name in staff], plants)
        return sheet

    def absence(self) -> Sheet:
        r, p = self.rng, PRIYA
        tab = Tab("Absence tracker", ["Employee no", "First name", "Surname", "From", "To", "Reason", "Days"])
        sheet = Sheet(TOM.email, "HR/Absence tracker.csv", [tab], dt.datetime(2026, 1, 5, 9, 0))
        names = [s.name for s in STAFF] + list(ROTA_ONLY)
        people = [(self.numbers.employee(), *n.split()) for n in names]

        def row(emp: str, first: str, last: str, reason: str = "") -> Row:
            start = self._day(dt.date(2025, 1, 6), 330)
            days = r.randrange(1, 6)
            return [emp, first, last, start, start + dt.timedelta(days=days - 1),
                    reason or r.choice(("Sickness", "Annual leave", "Annual leave", "Dependant leave")), days]

        place(r, self.ledger, sheet, tab, [row(*r.choice(people)) for _ in range(40)], [
            Plant(row(p.identifiers[0], "Priya", "Patel", "Sickness"), p,
                  "absence record: employee number and split name", "Priya | Patel"),
            Plant(row(p.identifiers[0], "Priya", "Patel", "Annual leave"), p,
                  "absence record: employee number and split name", "Priya | Patel"),
            Plant(row(p.decoy_identifiers[0], "Priya", "Shah"), p, "", "Priya | Shah",
                  decoy="same first name only; employee number one digit off"),
        ])
        return sheet

    def requests_register(self) -> Sheet:
        r, si = self.rng, SIOBHAN
        req = Tab("Requests", ["Ref", "Received", "Requester", "Type", "Due", "Closed", "Notes"])
        breaches = Tab("Breaches", ["Date", "What happened", "Records", "Reported to ICO"])
        sheet = Sheet(DPO.email, "Data protection/Requests register.xlsx", [req, breaches],
                      dt.datetime(2026, 2, 10, 16, 0))

        def row(requester: str, received: dt.date, kind: str = "Access") -> Row:
            return [f"SAR-{received:%y%m}-{r.randrange(10, 99)}", received, requester, kind,
                    received + dt.timedelta(days=30), received + dt.timedelta(days=r.randrange(10, 28)), ""]

        kinds = ("Access", "Access", "Erasure", "Rectification")
        filler = [row(full_name(r), self._day(), r.choice(kinds)) for _ in range(6)]
        place(r, self.ledger, sheet, req, filler, [
            Plant(row(si.name.replace("'", "\u2019"), dt.date(2025, 2, 3)), si,
                  "request register: name with a curly apostrophe (O\u2019Connor)", si.name.replace("'", "\u2019")),
        ])
        breaches.rows = [[dt.date(2025, 5, 14), "Call summary emailed to the wrong client", 1, "No"],
                         [dt.date(2025, 11, 3), "Unlocked screen on reception", 0, "No"]]
        return sheet

    def billing(self) -> Sheet:
        r = self.rng
        tab = Tab("Client billing 2025", ["Client", "Month", "Calls", "Minutes", "Amount (\u00a3)"])
        for month in range(1, 13):
            for c in CLIENTS:
                calls = r.randrange(80, 900)
                tab.rows.append([c.firm, f"2025-{month:02d}", calls, calls * r.randrange(2, 5), f"{calls * 1.35:.2f}"])
        return Sheet(TOM.email, "Finance/Client billing 2025.csv", [tab], dt.datetime(2026, 1, 8, 10, 0))

    def call_volumes(self) -> Sheet:
        r = self.rng
        daily = Tab("Daily", ["Date", *[c.firm for c in CLIENTS]])
        day = dt.date(2026, 1, 1)
        while day <= dt.date(2026, 3, 31):
            daily.rows.append([day, *[r.randrange(0, 60) for _ in CLIENTS]])
            day += dt.timedelta(days=1)
        summary = Tab("Summary", ["Client", "Q1 2026 calls"])
        summary.rows = [[c.firm, sum(row[i + 1] for row in daily.rows)] for i, c in enumerate(CLIENTS)]
        return Sheet(TOM.email, "Finance/Reports/Call volumes.xlsx", [daily, summary], dt.datetime(2026, 4, 1, 8, 0))
