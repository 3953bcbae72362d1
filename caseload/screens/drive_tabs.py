"""What the Drive tabs of a perpetrator case show, as plain Rich ``Text`` built from the case file and the
linked victims as a Drive user may see them. No I/O, no Textual (like :mod:`caseload.screens.case_tabs`).

Tabs: the intervention plan by strand (disruption and support actions, behaviour-change sessions), behaviour
types at intake against the latest review, RFG and the serial flag with how they were computed, linked
victims (reference, risk level, IDVA — nothing else) and the information shared with their IDVAs. Every
stored string goes through the sanitiser (``one_line``); level-3 text (actions, session topics, notes) goes
through ``level3`` (masked in privacy mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from rich.text import Text

from caseload.domain.casefile import CaseFile
from caseload.domain.drive import (
    Change,
    LinkedVictim,
    SessionOutcome,
    Strand,
    behaviour_change,
    explain_rfg,
    overdue_actions,
    plan_by_strand,
    words,
)
from caseload.domain.enums import ItemStatus
from caseload.domain.sanitise import one_line
from caseload.domain.schedules import DEFAULT_RFG
from caseload.domain.victims_code import drive_update_for
from caseload.widgets.privacy import level3
from caseload.widgets.risk import RISK_SHORT

Row = tuple[Text, ...]

PLAN_COLUMNS = ("Strand", "With", "Action / topic", "Due / held", "Status")
VICTIM_COLUMNS = ("Victim case", "Relationship", "Risk", "IDVA", "Linked")
SHARED_COLUMNS = ("Learned", "What", "Victim case", "IDVA", "Update due", "Note")
CHANGE_WORDS = {
    Change.STOPPED: "stopped",
    Change.STARTED: "started",
    Change.CONTINUING: "continuing",
    Change.ABSENT: "not present",
}


@dataclass(frozen=True, slots=True)
class DriveContext:
    """What the Drive tabs show: the case file, the date, the linked victims as a Drive user may see them
    (:meth:`~caseload.store.casework_drive.DriveMixin.linked_victims`) and worker names by id."""

    casefile: CaseFile
    on: date
    victims: tuple[LinkedVictim, ...] = ()
    workers: dict[str, str] = field(default_factory=dict)


def day(d: date | None) -> str:
    """``4 Dec 2026`` or an empty string."""
    return f"{d.day} {d:%b %Y}" if d else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def referral_text(ctx: DriveContext, privacy: bool) -> Text:
    """``Referred by MARAC on 2 Nov 2026 · disruption plan only · reason …``."""
    text = Text()
    for ref in ctx.casefile.drive_referrals[-1:]:
        text.append(f"Referred by {words(ref.route)} on {day(ref.received_on)}", style="bold")
        if ref.disruption_only:
            text.append(" · panel decision: disruption plan only")
        if ref.reason:
            text.append(" · " + level3(ref.reason, privacy, 80))
    return text


def plan_text(ctx: DriveContext, privacy: bool) -> Text:
    """The referral line and one summary line per strand (open and overdue actions; sessions attended)."""
    cf = ctx.casefile
    text = referral_text(ctx, privacy)
    if text:
        text.append("\n")
    late = {a.id for a in overdue_actions(cf.interventions, ctx.on)}
    for strand in plan_by_strand(cf.interventions, cf.sessions):
        text.append(f"{words(strand.strand):<17}", style="bold")
        if strand.strand is Strand.BEHAVIOUR_CHANGE:
            text.append(f"{_plural(len(strand.sessions), 'session')} · {strand.attended} attended · "
                        f"{strand.missed} missed")
        else:
            overdue = sum(1 for a in strand.actions if a.id in late)
            text.append(f"{_plural(strand.open_actions, 'open action')} of {len(strand.actions)}")
            if overdue:
                text.append(f" · {overdue} overdue", style="bold red")
        text.append("\n")
    return text


def plan_rows(ctx: DriveContext, privacy: bool) -> list[Row]:
    """Plan rows by strand: actions (agency, action, due, status — OVERDUE when late), then sessions
    (topic, date, attended / missed), newest first."""
    cf = ctx.casefile
    late = {a.id for a in overdue_actions(cf.interventions, ctx.on)}
    rows: list[Row] = []
    for strand in plan_by_strand(cf.interventions, cf.sessions):
        for a in strand.actions:
            status = Text("OVERDUE", style="bold red") if a.id in late else Text(words(a.status))
            rows.append((Text(words(strand.strand)), Text(words(a.agency)), Text(level3(a.action, privacy, 60)),
                         Text(day(a.due_on)), status))
        for s in strand.sessions:
            mark = Text("attended") if s.outcome is SessionOutcome.ATTENDED else Text("missed", style="bold")
            minutes = f" · {s.minutes} min" if s.minutes else ""
            rows.append((Text(words(strand.strand)), Text("session"), Text(level3(s.topic, privacy, 60)),
                         Text(day(s.held_on) + minutes), mark))
    return rows


def behaviour_columns(ctx: DriveContext) -> tuple[str, ...]:
    """Column titles: behaviour, intake (date), latest review (date), change."""
    change = behaviour_change(ctx.casefile.behaviour_reviews)
    if change is None:
        return ("Behaviour", "Intake", "Latest", "Change")
    latest = f"Latest {day(change.latest.reviewed_on)}" if change.latest else "Latest"
    return ("Behaviour", f"Intake {day(change.intake.reviewed_on)}", latest, "Change")


def behaviour_rows(ctx: DriveContext) -> list[Row]:
    """One row per behaviour type: present at intake, at the latest review, and the change."""
    change = behaviour_change(ctx.casefile.behaviour_reviews)
    if change is None:
        return []
    rows: list[Row] = []
    for kind, before, after, moved in change.changes:
        style = {Change.STOPPED: "bold green", Change.STARTED: "bold red"}.get(moved, "") if moved else ""
        rows.append((
            Text(words(kind)),
            Text("yes" if before else "no"),
            Text("" if after is None else ("yes" if after else "no")),
            Text(CHANGE_WORDS[moved] if moved else "no review yet", style=style),
        ))
    return rows


def behaviour_text(ctx: DriveContext) -> Text:
    """Where the reviews stand, in one line."""
    reviews = ctx.casefile.behaviour_reviews
    change = behaviour_change(reviews)
    if change is None:
        return Text("No behaviour review yet: record the intake review.", style="bold")
    if change.latest is None:
        return Text(f"Intake review {day(change.intake.reviewed_on)}; no later review yet.")
    present = sum(1 for _, before, _, _ in change.changes if before)
    return Text(
        f"{_plural(len(reviews), 'review')} · intake {day(change.intake.reviewed_on)} against latest "
        f"{day(change.latest.reviewed_on)}: {change.reduced} of {present} behaviour types present at intake "
        "have stopped"
    )


def rfg_text(ctx: DriveContext) -> Text:
    """RFG and the serial flag as of the view's date, each with how it was computed, and the bands."""
    out = explain_rfg(ctx.casefile, ctx.on)
    text = Text(f"RFG {out.total} on {day(ctx.on)}\n", style="bold")
    text.append(f"  {out.rfg}\n")
    text.append(f"Serial flag: {'YES' if out.serial else 'no'}\n", style="bold red" if out.serial else "bold")
    text.append(f"  {out.serial_text}\n\n")
    recency = ", ".join(f"≤{days} days: {s}" for days, s in DEFAULT_RFG.recency)
    bands = sorted(DEFAULT_RFG.frequency)
    frequency = ", ".join(
        f"{least}: {s}" if nxt - least == 1 else f"{least}–{nxt - 1}: {s}"
        for (least, s), (nxt, _) in pairwise(bands)
    ) + f", {bands[-1][0]}+: {bands[-1][1]}"
    text.append("How it is scored\n", style="bold")
    text.append(f"  R (recency) from days since the last incident: {recency}, else {DEFAULT_RFG.recency_else}\n")
    text.append(f"  F (frequency) from incidents in the last {DEFAULT_RFG.window_months} months: {frequency}\n")
    text.append("  G (gravity) from the gravest incident in those months, 1–5; RFG = R × F × G (1–125)\n")
    text.append(f"  Incidents recorded on this case: {len(ctx.casefile.incidents)}")
    return text


def victim_rows(ctx: DriveContext) -> list[Row]:
    """Linked victims: victim case reference (or hidden victim), relationship, risk, IDVA, linked on."""
    return [
        (
            Text("hidden victim (no victim case)" if v.hidden else one_line(v.reference, 20)),
            Text(words(v.kind)),
            Text(RISK_SHORT[v.risk_level] if v.risk_level is not None else ""),
            Text(one_line(v.idva_name, 30)),
            Text(day(v.recorded_on)),
        )
        for v in ctx.victims
    ]


def shared_rows(ctx: DriveContext, privacy: bool) -> list[Row]:
    """Information shared with the victims' IDVAs, newest first: when learned, what, victim case, IDVA, the
    date her update falls due (1 working day), the note."""
    by_case = {v.victim_case_id: v for v in ctx.victims if v.victim_case_id}
    rows: list[Row] = []
    for info in sorted(ctx.casefile.drive_info, key=lambda i: (i.learned_on, i.id), reverse=True):
        victim = by_case.get(info.victim_case_id)
        rows.append((
            Text(day(info.learned_on)),
            Text(words(info.kind)),
            Text(one_line(victim.reference, 20) if victim else ""),
            Text(one_line(victim.idva_name, 30) if victim else ""),
            Text(day(drive_update_for(info).due_on)),
            Text(level3(info.note, privacy, 60)),
        ))
    return rows


def shared_text(ctx: DriveContext) -> Text:
    """How much was shared, and with how many IDVAs."""
    infos = ctx.casefile.drive_info
    idvas = {v.idva_name for v in ctx.victims if v.victim_case_id in {i.victim_case_id for i in infos}}
    if not infos:
        return Text("Nothing shared with an IDVA yet.")
    return Text(f"{_plural(len(infos), 'item')} shared with {_plural(len(idvas), 'IDVA')}; each is an update "
                "owed to the victim's IDVA within 1 working day.")


def open_action_count(ctx: DriveContext) -> int:
    """Open disruption and support actions (for a tab title or a header)."""
    return sum(1 for a in ctx.casefile.interventions if a.status in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS))
