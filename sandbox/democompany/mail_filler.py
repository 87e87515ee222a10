"""Everyday mail that mentions no data subject: call messages relayed to clients, client requests, internal
chatter, system reports, newsletters, personal notes and spam. It gives searches something to wade through
and varies the MIME shapes (plain, quoted-printable, base64, alternative, HTML-only, attachments, threads)."""
from __future__ import annotations

import datetime as dt
import html
import random

from . import mime
from .mail import Mail, Mailroom
from .people import (AISHA, CLIENTS, COMPANY, COMPANY_PHONE, DANIEL, DPO, ELLIE, IT, MAIL_WEIGHT, NOTIFIERS,
                     PROMOTERS, SPAMMERS, STAFF, TOM, Numbers, Person, full_name)

START, END = dt.datetime(2025, 1, 2), dt.datetime(2026, 3, 31)
HANDLERS = (DANIEL, ELLIE, AISHA)

REASONS = (
    "wants a callback about a leaking radiator", "needs to rearrange tomorrow's appointment",
    "asked for a quote for a new consumer unit", "is chasing an invoice sent last month",
    "wants to know if you cover Harrogate", "reports the alarm is beeping again",
    "would like the earliest slot next week", "asked for the engineer's ETA", "wants to cancel the booking",
    "has a question about the deposit", "reports no hot water since Sunday", "wants a copy of the certificate",
)
INTERNAL = (
    ("Rota swap {day}", "Hi {to},\n\nCould we swap my {shift} on {day}? I've a hospital appointment that "
     "morning.\n\nThanks,\n{me}"),
    ("Team meeting moved", "Hi all,\n\nThis week's team meeting is moving to {day} at 2pm in the back office. "
     "Agenda: call scripts, holiday cover, the new headsets.\n\n{me}"),
    ("Headset not charging", "Hi {to},\n\nMy headset on desk {desk} won't hold a charge any more. Could you "
     "have a look before my {shift}?\n\nCheers,\n{me}"),
    ("Out-of-hours script update", "Hi {to},\n\nI've updated the out-of-hours script for {firm}: they now "
     "want urgent calls put through to the on-call mobile rather than messaged.\n\n{me}"),
    ("Training on {day}", "Morning,\n\nReminder that refresher training on call quality is on {day}. "
     "Please make sure your {shift} is covered.\n\nThanks\n{me}"),
    ("Holiday request", "Hi {to},\n\nCan I book {day} off as annual leave? I've checked and the rota has "
     "cover.\n\nThanks,\n{me}"),
    ("Kitchen", "Whoever left the milk out on {day} \u2013 please don\u2019t!\n\n{me}"),
    ("Call volumes {day}", "Hi {to},\n\nVolumes for {firm} were up about {pct}% on {day}. Shall we put an "
     "extra person on the {shift}?\n\n{me}"),
)
CLIENT_ASKS = (
    ("Holiday cover", "Hello,\n\nWe're closed from {day} for a week \u2013 please take messages for all calls "
     "and tell callers we\u2019ll be back in touch on our return.\n\nMany thanks,\n{me}\n{firm}"),
    ("Change of on-call number", "Hi,\n\nPlease note our on-call number changes to {phone} from {day}.\n\n"
     "Regards,\n{me}\n{firm}"),
    ("Invoice query", "Hi,\n\nOur last invoice shows {calls} calls but our own system says fewer. Could you "
     "send a breakdown? The total was \u00a3{amount}.\n\nThanks,\n{me}\n{firm}"),
    ("New greeting", "Hi team,\n\nCould you answer with \u201cGood morning, {firm}, how can I help?\u201d from "
     "{day} please.\n\n{me}"),
    ("Urgent calls", "Hello,\n\nAny call mentioning a gas smell must be put through to {phone} straight away, "
     "day or night.\n\nThanks,\n{me}\n{firm}"),
)
REPLIES = ("Thanks, that's fine.", "Noted \u2013 will do.", "Sorry, can we talk about it tomorrow?",
           "All sorted now.", "Yes, go ahead.", "Thanks \u2013 I've updated the notes.")
PROMOS = (
    ("Spring sale: 20% off headsets", "Save 20% on noise-cancelling headsets until Friday."),
    ("Your invitation to the Yorkshire Business Awards", "Nominations are open for customer service team of the year."),
    ("Printer paper back in stock", "A4 80gsm, five reams for the price of four."),
    ("Webinar: calmer calls", "Join our free webinar on handling difficult callers."),
)
SPAM = (
    ("Your parcel is waiting", "We tried to deliver your parcel. Pay the \u00a31.99 redelivery fee here."),
    ("Unusual sign-in activity", "Verify your account within 24 hours or it will be suspended."),
    ("Grant approved", "You have been selected to receive a grant of \u00a3250,000. Reply with your bank details."),
)


class FillerMail:
    """Generates filler until the mailboxes hold about ``target`` copies in total."""

    def __init__(self, room: Mailroom, rng: random.Random, numbers: Numbers) -> None:
        self.room, self.rng, self.numbers = room, rng, numbers
        self._weighted = [p for p in STAFF for _ in range(MAIL_WEIGHT[p.email])]

    def when(self) -> dt.datetime:
        r = self.rng
        day = START + dt.timedelta(days=r.randrange((END - START).days))
        if day.weekday() >= 5 and r.random() < 0.7:
            day += dt.timedelta(days=7 - day.weekday())
        return day.replace(hour=r.choice((7, 8, 9, 9, 10, 10, 11, 12, 13, 14, 14, 15, 16, 17, 19, 22)),
                           minute=r.randrange(60), second=r.randrange(60))

    def fill(self, target: int) -> None:
        kinds = ((self.call_message, 34), (self.client_thread, 18), (self.internal, 22), (self.report, 12),
                 (self.promotion, 7), (self.spam, 3), (self.personal, 4))
        funcs = [f for f, w in kinds for _ in range(w)]
        copies = 0
        while copies < target:
            for m in self.rng.choice(funcs)():
                copies += len(m.deliveries)

    def _fmt(self, template: str, me: Person, to: Person | None = None, firm: str = "") -> str:
        r = self.rng
        return template.format(
            to=(to.name.split()[0] if to else "all"), me=me.name.split()[0], day=self.when().strftime("%A %d %B"),
            shift=r.choice(("early shift", "late shift", "Saturday shift")), desk=r.randrange(1, 12),
            firm=firm or r.choice(CLIENTS).firm, pct=r.randrange(5, 40), phone=self.numbers.phone(),
            calls=r.randrange(80, 900), amount=f"{r.randrange(150, 2400)}.{r.randrange(100):02d}")

    def _body(self, text: str, title: str) -> bytes:
        """Plain, quoted-printable, base64 or text+HTML, as different mail clients would send it."""
        r = self.rng.random()
        if r < 0.45:
            return mime.text_part(text)
        if r < 0.6:
            return mime.text_part(text, cte="base64")
        if r < 0.7:
            return mime.text_part(text, cte="quoted-printable")
        paras = [html.escape(p).replace("\n", "<br>") for p in text.split("\n\n")]
        return mime.alternative(text, mime.html_page(paras, title), self.room.boundary())

    def _reply(self, parent: Mail, me: Person, text: str) -> Mail:
        when = parent.date + dt.timedelta(minutes=self.rng.randrange(4, 600))
        quoted = f"{text}\n\nOn {parent.date:%d/%m/%Y %H:%M}, {parent.sender.name} wrote:\n> (earlier message)\n"
        subj = parent.subject if parent.subject.startswith("Re: ") else "Re: " + parent.subject
        return self.room.send(when=when, sender=me, to=(parent.sender,), subject=subj,
                              body=self._body(quoted + f"\n{me.name.split()[0]}\n", subj), reply_to=parent)

    def call_message(self) -> list[Mail]:
        r, me, client = self.rng, self.rng.choice(HANDLERS), self.rng.choice(CLIENTS)
        caller, when = full_name(r), self.when()
        lines = [f"Message for {client.firm}", "", f"Caller: {caller}", f"Tel: {self.numbers.phone()}"]
        if r.random() < 0.5:
            lines.append(f"Customer no: {self.numbers.customer()}")
        lines += [f"Message: {caller.split()[0]} {r.choice(REASONS)}.", f"Taken by: {me.name} at {when:%H:%M}",
                  "", f"{COMPANY} \u2013 {COMPANY_PHONE}"]
        text = "\n".join(lines) + "\n"
        cc = (AISHA,) if me is not AISHA and r.random() < 0.15 else ()
        return [self.room.send(when=when, sender=me, to=(client.contact,), cc=cc, body=self._body(text, "Call message"),
                               subject=f"Call message: {caller} ({when:%d/%m %H:%M})")]

    def client_thread(self) -> list[Mail]:
        r, client = self.rng, self.rng.choice(CLIENTS)
        subj, tmpl = r.choice(CLIENT_ASKS)
        staff = r.choice((AISHA, AISHA, DANIEL, ELLIE, TOM))
        first = self.room.send(when=self.when(), sender=client.contact, to=(staff,),
                               subject=f"{subj} \u2013 {client.firm}",
                               cc=(TOM,) if staff is not TOM and r.random() < 0.2 else (),
                               body=self._body(self._fmt(tmpl, client.contact, staff, client.firm), subj))
        out = [first]
        if r.random() < 0.6:
            out.append(self._reply(first, staff, r.choice(REPLIES)))
            if r.random() < 0.3:
                out.append(self._reply(out[-1], client.contact, r.choice(REPLIES)))
        return out

    def internal(self) -> list[Mail]:
        r = self.rng
        me = r.choice(self._weighted)
        others = [p for p in STAFF if p is not me and p is not DPO] or [TOM]
        to = tuple(r.sample(others, k=1 if r.random() < 0.7 else min(3, len(others))))
        subj, tmpl = r.choice(INTERNAL)
        subj = self._fmt(subj, me, to[0])
        first = self.room.send(when=self.when(), sender=me, to=to, subject=subj,
                               body=self._body(self._fmt(tmpl, me, to[0]), subj))
        out = [first]
        if r.random() < 0.4:
            out.append(self._reply(first, to[0], r.choice(REPLIES)))
        return out

    def report(self) -> list[Mail]:
        r, sender = self.rng, self.rng.choice(NOTIFIERS)
        to = r.choice((AISHA, TOM, IT)) if sender is NOTIFIERS[0] else r.choice((TOM, IT, IT, DPO))
        when = self.when()
        if sender is NOTIFIERS[0]:
            rows = ["client,calls,answered,avg_wait_s"] + [
                f"{c.firm},{r.randrange(20, 300)},{r.randrange(20, 300)},{r.randrange(3, 40)}" for c in CLIENTS]
            csv_data = ("\n".join(rows) + "\n").encode("utf-8")
            text = f"Your daily call report for {when:%d %B %Y} is attached.\n"
            alt = mime.alternative(text, mime.html_page([html.escape(text)]), self.room.boundary())
            body = mime.multipart("mixed", [alt, mime.attachment(f"calls-{when:%Y-%m-%d}.csv", csv_data, "text/csv")],
                                  self.room.boundary())
            subj = f"Daily call report {when:%d/%m/%Y}"
        else:
            subj = f"Your {when:%B %Y} statement is ready"
            text = (f"Hello,\n\nYour statement for {when:%B %Y} is ready to view. "
                    f"Amount due: \u00a3{r.randrange(20, 900)}.00\n")
            page = mime.html_page([html.escape(text).replace("\n", "<br>")])
            body = mime.alternative(text, page, self.room.boundary())
        return [self.room.send(when=when, sender=sender, to=(to,), subject=subj, body=body)]

    def promotion(self) -> list[Mail]:
        r = self.rng
        sender, (subj, line) = r.choice(PROMOTERS), r.choice(PROMOS)
        page = mime.html_page([f"<b>{html.escape(line)}</b>", "<a href=\"https://shop.example/\">Shop now</a>",
                               "<small>Unsubscribe</small>"], subj)
        body = mime.text_part(page, "html", cte=r.choice(("quoted-printable", "base64")))
        to = tuple(r.sample(STAFF, k=r.randrange(1, 4)))
        return [self.room.send(when=self.when(), sender=sender, to=to, subject=subj, body=body)]

    def spam(self) -> list[Mail]:
        r = self.rng
        sender, (subj, line) = r.choice(SPAMMERS), r.choice(SPAM)
        body = mime.text_part(mime.html_page([html.escape(line)]), "html", cte="base64") if r.random() < 0.5 \
            else mime.text_part(line + "\n")
        return [self.room.send(when=self.when(), sender=sender, to=(r.choice(STAFF),), subject=subj, body=body)]

    def personal(self) -> list[Mail]:
        r = self.rng
        friend_name = full_name(r)
        friend = Person(friend_name, friend_name.lower().replace(" ", ".") + "@example.net", "personal")
        me = r.choice(STAFF)
        text = r.choice(("Are we still on for Saturday?", "Photos from the weekend attached \u2013 not really, "
                         "forgot them!", "Can you pick the kids up on Thursday?")) + f"\n\n{friend_name.split()[0]}\n"
        return [self.room.send(when=self.when(), sender=friend, to=(me,), subject="Weekend", body=self._body(text, ""))]
