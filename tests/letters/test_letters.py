"""Response letters (issue 15 item 7): one template per case type and outcome, overridable per organisation,
autoescaped and sandboxed; ``dsar letter`` writes HTML and PDF and records the draft on the case."""
from __future__ import annotations

import datetime as dt
import io
import json
import stat

import pytest
from click.testing import CliRunner

from addon.cases.model import TYPES, Case
from addon.errors import ConfigError, ExitCode, InputError
from addon.letters.render import OUTCOMES, check_outcome, context, render
from addon.subjects.identifiers import make_subject

D = dt.date
DETAILS = {"rectification": {"corrections": [{"field": "address", "wrong": "12 Old Street", "correct": "14 New Street"}]},
           "objection": {"processing": "sales scoring", "decision": {"outcome": "rejected", "grounds": "fraud checks"}},
           "restriction": {"reason": "accuracy_contested"}}
ORG = {"name": "Northwind Calls Ltd", "contact": "1 High St, Leeds", "dpo": "dpo@northwind-calls.test"}


def case(case_type="access", name="Jane Doe", **kw):
    base = dict(ref="DSAR-2026-0007", type=case_type, status="review", subject=make_subject([name], ["j@example.com"]),
                received=D(2026, 3, 2), clock_start=D(2026, 3, 2), due=D(2026, 4, 2), extended_due=D(2026, 6, 2),
                created_by="dpo@x.test", created_at="2026-03-02T10:00:00+00:00", extended=True,
                details=DETAILS.get(case_type, {}))
    base.update(kw)
    return Case(**base)


def html_for(c, outcome, reason="because", home=None):
    reason = check_outcome(c, outcome, reason)
    return render(home, c, outcome, context(c, outcome, reason, ORG, "Harriet Lowe", D(2026, 3, 20), "many systems"))


@pytest.mark.parametrize("case_type", TYPES)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_every_type_and_outcome_has_a_built_in_letter(case_type, outcome):
    c = case(case_type, status="objection_rejected" if case_type == "objection" else "review")
    html, origin = html_for(c, outcome, reason="the request is manifestly excessive")
    assert origin == "built-in"
    assert "DSAR-2026-0007" in html and "Dear Jane Doe" in html and "Northwind Calls Ltd" in html
    assert "Information Commissioner" in html
    if outcome == "refused":
        assert "manifestly excessive" in html and "judicial" in html  # Art. 12(4): reasons, complaint, remedy
    if outcome == "extended":
        assert "02 June 2026" in html and "Article 12(3)" in html
    if outcome == "done" and case_type == "rectification":
        assert "14 New Street" in html and "Article 19" in html
    if outcome == "done" and case_type == "objection":
        assert "fraud checks" in html and "compelling legitimate grounds" in html


def test_values_are_escaped():
    html, _ = html_for(case("access", name="Jane <script>alert(1)</script> Doe"), "refused", reason="<b>x</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_outcomes_the_case_cannot_support_are_refused():
    with pytest.raises(InputError, match="must give the reasons"):
        check_outcome(case(), "refused", " ")
    with pytest.raises(InputError, match="not extended"):
        check_outcome(case(extended=False), "extended", None)
    with pytest.raises(InputError, match="not decided yet"):
        check_outcome(case("objection", status="review"), "done", None)
    with pytest.raises(InputError, match="is not an outcome"):
        check_outcome(case(), "maybe", None)


def test_the_organisation_overrides_a_template_and_a_broken_one_is_one_line(tmp_path):
    (tmp_path / "letters" / "access").mkdir(parents=True)
    (tmp_path / "letters" / "access" / "done.html.j2").write_text(
        "<p>Our own words for {{ subject.name }} ({{ case.ref }})</p>", encoding="utf-8")
    html, origin = html_for(case(), "done", home=tmp_path)
    assert origin == "organisation" and html == "<p>Our own words for Jane Doe (DSAR-2026-0007)</p>"
    html, origin = html_for(case("erasure"), "done", home=tmp_path)  # not overridden: the built-in one
    assert origin == "built-in"
    (tmp_path / "letters" / "access" / "done.html.j2").write_text("{{ subject.nickname }}", encoding="utf-8")
    with pytest.raises(ConfigError, match="nickname"):
        html_for(case(), "done", home=tmp_path)
    (tmp_path / "letters" / "access" / "done.html.j2").write_text("{{ case.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(ConfigError):
        html_for(case(), "done", home=tmp_path)
    (tmp_path / "letters" / "access" / "done.html.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        html_for(case(), "done", home=tmp_path)


def run(env, *args, code=0):
    r = CliRunner().invoke(main_cli(), list(args), env=env.cli_env(), catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r


def main_cli():
    from addon.cli import main

    return main


def test_dsar_letter_writes_html_and_pdf_and_records_them(env):
    ref = json.loads(run(env, "case", "open", "--type", "rectification", "--name", "Zoë Łukasik", "--email",
                         "zoe@example.com", "--wrong", "12 Old Street", "--correct", "14 New Street",
                         "--json").output)["ref"]
    r = run(env, "letter", ref, "--outcome", "refused", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --reason:")
    out = json.loads(run(env, "letter", ref, "--outcome", "clarification", "--reason",
                         "Which of your addresses should we correct?", "--json").output)
    html_path = env.home / "letters-out" / ref / f"{ref}-clarification-1.html"
    assert out["html"] == str(html_path) and html_path.exists()
    assert stat.S_IMODE(html_path.stat().st_mode) == 0o600
    import hashlib

    assert out["sha256"] == hashlib.sha256(html_path.read_bytes()).hexdigest()
    from addon.letters.draft import FONT_DIR

    if not (FONT_DIR / "DejaVuSans.ttf").exists():  # the PDF needs a Unicode font; the HTML is the letter
        assert out["pdf"] is None and "fonts-dejavu-core" in out["pdf_note"]
        return
    assert out["pdf"], out["pdf_note"]
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(open(out["pdf"], "rb").read())).pages[0].extract_text()
    assert "Zoë Łukasik" in text and ref in text
    again = json.loads(run(env, "letter", ref, "--outcome", "clarification", "--reason", "Which one?", "--no-pdf",
                           "--json").output)
    assert again["html"].endswith("-clarification-2.html") and again["pdf"] is None
    shown = json.loads(run(env, "case", "show", ref, "--json").output)
    assert [(l["outcome"], l["file"]) for l in shown["letters"]] == [
        ("clarification", f"{ref}-clarification-1.html"), ("clarification", f"{ref}-clarification-2.html")]
    assert "letter drafted (clarification)" in run(env, "case", "show", ref).output


def test_retention_deletes_a_shredded_case_s_letters(env):
    import datetime as dt

    from addon.retention import run_retention

    ref = json.loads(run(env, "case", "open", "--type", "marketing_optout", "--name", "Jane Doe", "--email",
                         "jane@example.com", "--json").output)["ref"]
    run(env, "letter", ref, "--outcome", "refused", "--reason", "no marketing data is held", "--no-pdf")
    run(env, "case", "status", ref, "refused", "--reason", "no marketing data is held")
    folder = env.home / "letters-out" / ref
    assert any(folder.iterdir())
    services = env.services()
    run_retention(services, env.dpo, today=dt.date.today() + dt.timedelta(days=800))
    assert not folder.exists() and services.store.get(ref).subject is None
