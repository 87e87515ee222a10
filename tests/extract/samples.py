"""Test files of every supported format, written by the real libraries (python-docx, python-pptx, openpyxl,
odfpy, pypdf, icalendar, the stdlib email package), each holding ``text`` somewhere a person would put it."""
from __future__ import annotations

import csv
import io
from email.message import EmailMessage

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "rtf": "application/rtf",
    "ics": "text/calendar",
    "eml": "message/rfc822",
}


def pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (Helvetica, WinAnsi, so Latin-1 letters survive)."""
    from sandbox.democompany.documents import pdf as page_of

    return page_of([text])


def encrypted_pdf(text: str, password: str = "s3cret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    w.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def docx(text: str) -> bytes:
    import docx as _docx

    d = _docx.Document()
    d.add_heading("Case notes", 1)
    d.add_paragraph("Meeting held on Tuesday.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Attendee"
    table.cell(1, 0).text = text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def pptx(text: str) -> bytes:
    from pptx import Presentation

    p = Presentation()
    slide = p.slides.add_slide(p.slide_layouts[1])
    slide.shapes.title.text = "Quarterly review"
    slide.placeholders[1].text = "Customer feedback"
    slide.notes_slide.notes_text_frame.text = f"Follow up with {text}"
    out = io.BytesIO()
    p.save(out)
    return out.getvalue()


def xlsx(rows: list[list], sheet: str = "Customers", macro: bool = False) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append(["nothing to see"])
    ws2 = wb.create_sheet(sheet)
    for r in rows:
        ws2.append(r)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if macro:  # .xlsm: the same package with the macro-enabled content type
        import zipfile

        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info)
                if info.filename == "[Content_Types].xml":
                    body = body.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                dst.writestr(info, body)
        data = buf.getvalue()
    return data


def delimited(rows: list[list], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def odt(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    d = OpenDocumentText()
    d.text.addElement(H(outlinelevel=1, text="Complaint"))
    d.text.addElement(P(text=f"Received from {text} by post."))
    out = io.BytesIO()
    d.write(out)
    return out.getvalue()


def ods(rows: list[list], sheet: str = "Customers") -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    d = OpenDocumentSpreadsheet()
    t = Table(name=sheet)
    for r in rows:
        tr = TableRow()
        for v in r:
            tc = TableCell(valuetype="string")
            tc.addElement(P(text=str(v)))
            tr.addElement(tc)
        t.addElement(tr)
    d.spreadsheet.addElement(t)
    out = io.BytesIO()
    d.write(out)
    return out.getvalue()


def rtf(text: str) -> bytes:
    """RTF as Word writes it: non-ASCII letters as ``\\uN?`` escapes."""
    body = "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in text)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 Letter to " + body
            + "\\par Regards\\par}").encode("ascii")


def ics(name: str, email: str) -> bytes:
    from icalendar import Calendar, Event, vCalAddress

    cal = Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    ev = Event()
    ev.add("summary", "Account review")
    ev.add("uid", "1@test")
    att = vCalAddress(f"mailto:{email}")
    att.params["cn"] = name
    ev.add("attendee", att)
    cal.add_component(ev)
    return cal.to_ical()


def eml(text: str, attach: tuple[str, str, bytes] | None = None, subject: str = "Fwd: details") -> bytes:
    """A message whose body holds ``text`` (or only its attachment does, when ``text`` is empty)."""
    m = EmailMessage()
    m["From"] = "someone@elsewhere.test"
    m["To"] = "records@elsewhere.test"
    m["Subject"] = subject
    m.set_content(f"Please see {text}." if text else "Please see attached.")
    if attach:
        name, mime, data = attach
        if mime == "message/rfc822":
            from email import message_from_bytes, policy

            m.add_attachment(message_from_bytes(data, policy=policy.default), filename=name)
        else:
            main, sub = mime.split("/", 1)
            m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(m)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]
