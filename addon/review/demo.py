"""``dsar demo``'s review of the first access case (Jane Doe): one false hit marked not a match, one item
withheld under an exemption, the rest included in bulk, then a re-search to show the decisions kept and the
false hit suppressed. The choices are the DPO's in the story, made here by rules a reader can check."""
from __future__ import annotations

from rich.panel import Panel

from .groups import Group, counts
from .service import decide_groups, decide_matching, review_list

FALSE_HIT_NOTE = ("A phone-system log: the number appears only in the form a spreadsheet leaves it, in a line "
                  "about another caller. Checked by the DPO: not about the subject.")
EXEMPT_CODE = "negotiations"
EXEMPT_NOTE = ("Internal next steps on her complaint, including the goodwill offer we intend to make; withheld "
               "while the complaint is being settled (Sch. 2 para 23), to be released once it is.")


def false_hit(groups: list[Group]) -> Group | None:
    """The item matched only by a variant (a middle initial, a number as a spreadsheet leaves it)."""
    for g in groups:
        ev = [e for e in g.primary.get("matched") or [] if isinstance(e, dict)]
        if ev and all(e.get("confidence") == "variant" for e in ev):
            return g
    return None


def withheld(groups: list[Group], skip: Group | None) -> Group | None:
    """An internal email about the next steps of her complaint (else the first email held in several mailboxes)."""
    mails = [g for g in groups if g is not skip and g.primary.get("source") == "gmail"]
    for words in ("next", "complaint"):
        for g in mails:
            if words in str(g.primary.get("subject", "")).lower():
                return g
    return next((g for g in mails if len(g.items) > 1), None)


def demo_review(services, ref: str, dpo: str, console, research=None) -> dict[str, int]:
    """Review ``ref`` as the DPO would, print what was decided, re-search (``research(ref)``) and return the counts."""
    case, groups = review_list(services, ref)
    fh = false_hit(groups)
    lines = []
    if fh is not None:
        decide_groups(services, ref, [fh], "not_a_match", dpo, note=FALSE_HIT_NOTE)
        lines.append(f"not a match: {fh.public()['where']}  ({fh.public()['why_matched']})")
    ex = withheld(groups, fh)
    if ex is not None:
        decide_groups(services, ref, [ex], "exclude", dpo, code=EXEMPT_CODE, note=EXEMPT_NOTE)
        lines.append(f"withheld ({EXEMPT_CODE}, DPA 2018 Sch. 2 para 23): {ex.public()['where']}"
                     + (f", all {len(ex.items)} copies" if len(ex.items) > 1 else ""))
    n = decide_matching(services, ref, {"status": "undecided"}, "include", dpo)
    lines.append(f"included: the other {n} in one bulk decision (dsar review {ref} bulk --include --status undecided)")
    dups = sum(1 for g in groups if len(g.items) > 1)
    lines.insert(0, f"{len(groups)} things found in {sum(len(g.items) for g in groups)} places "
                    f"({dups} held in more than one mailbox or Drive, folded)")
    if research is not None:
        research(ref)
        _, again = review_list(services, ref)
        c = counts(again)
        back = fh is not None and any(g.fold == fh.fold for g in again)
        lines.append(f"re-searched: {len(again)} found, {c['undecided']} undecided, decisions kept; the false hit "
                     + ("CAME BACK" if back else "did not come back (suppressed for this case)"))
    console.print(Panel.fit("\n".join(lines), title=f"Review of {ref} (dsar review {ref})"))
    _, final = review_list(services, ref)
    return counts(final)
