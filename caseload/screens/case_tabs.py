"""What each case-view tab shows, as plain Rich ``Text`` built from a case file. No I/O, no Textual.

Every stored string goes through the sanitiser (``one_line``); level-3 fields go through ``level3`` (masked in
privacy mode); address and safe-contact details go through ``masked`` (hidden until revealed). Firewall fields
are shown to victim-side roles only, and never in privacy mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text

from caseload.clock import LOCAL_ZONE
from caseload.domain.casefile import CaseFile
from caseload.domain.dash import assessed_level, score
from caseload.domain.due import DueItem
from caseload.domain.enums import CaseKind, PersonRole, RiskLevel, Role
from caseload.domain.marac import CriterionResult
from caseload.domain.model import Person, ProtectiveOrder, SafetyPlanItem, VictimUpdate
from caseload.domain.sanitise import one_line
from caseload.domain.schedules import current_plan, last_contact_on
from caseload.screens.drive_tabs import DriveContext
from caseload.store.audit import AuditEntry
from caseload.widgets.privacy import level3, masked
from caseload.widgets.risk import RISK_SHORT

Row = tuple[Text, ...]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ZONE = ZoneInfo(LOCAL_ZONE)


@dataclass(frozen=True, slots=True)
class LinkedCase:
    """A case on the other side of a Drive link: only what every role may see of it."""

    reference: str
    kind: CaseKind
    risk: RiskLevel
    worker: str
    relationship: str
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class CaseContext:
    """Everything a case view shows besides the case file itself."""

    casefile: CaseFile
    on: date
    role: Role
    workers: dict[str, str]
    linked: tuple[LinkedCase, ...] = ()
    audit: tuple[AuditEntry, ...] = ()
    due: tuple[DueItem, ...] = ()
    marac: tuple[CriterionResult, ...] = ()
    flags: dict[str, bool] = field(default_factory=dict)
    drive: DriveContext | None = None
    """Set on a Drive (perpetrator) case: what the Drive tabs show."""


def day(d: date | None) -> str:
    """``4 Dec 2026`` or an empty string."""
    return f"{d.day} {d:%b %Y}" if d else ""


def label(value: object) -> str:
    """An enum value or a snake_case status as words."""
    raw = getattr(value, "value", value)
    return str(raw).replace("_", " ") if raw is not None else ""


def yes_no(value: bool | None) -> str:
    """yes / no / not recorded."""
    return "not recorded" if value is None else ("yes" if value else "no")


def header(ctx: CaseContext, privacy: bool) -> Text:
    """``C-2026-0412 · name · HIGH (DASH 16, 2 Dec) · active support · MARAC 14 Jan``."""
    cf = ctx.casefile
    c = cf.case
    text = Text(f"{c.reference} · ", style="bold")
    text.append(level3(cf.subject.display_name, privacy, 40))
    text.append(f" · {RISK_SHORT[c.risk_level]}")
    latest = cf.latest_dash
    if latest is not None:
        text.append(f" (DASH {score(latest.answers)}, {latest.assessed_on.day} {latest.assessed_on:%b})")
    text.append(f" · {label(c.status)}")
    if cf.marac_listings:
        last = max(cf.marac_listings, key=lambda m: m.meeting_on)
        text.append(f" · MARAC {last.meeting_on.day} {last.meeting_on:%b %Y}")
    if not c.is_open:
        text.append(f" · closed {day(c.closed_on)}")
    text.append("   [privacy on]" if privacy else "")
    return text


def _line(text: Text, name: str, value: str) -> None:
    text.append(f"{name:<16}", style="bold")
    text.append(value + "\n")


def _person_lines(text: Text, person: Person, role_label: str, ctx: CaseContext, privacy: bool,
                  revealed: bool) -> None:
    _line(text, role_label, level3(person.display_name, privacy, 60))
    born = day(person.date_of_birth) if person.date_of_birth else ""
    facts = [f"age {label(person.age_band)}", label(person.sex)]
    if born:
        facts.insert(0, f"born {level3(born, privacy)}")
    facts.append(f"ethnicity {label(person.ethnicity)}")
    if person.disability:
        facts.append("disability" + (" (Deaf/BSL)" if person.deaf_bsl else ""))
    if person.interpreter_needed:
        facts.append("interpreter needed")
    if person.pregnant:
        facts.append("pregnant")
    _line(text, "", " · ".join(f for f in facts if f))
    if person.address or person.postcode:
        where = f"{person.address}, {person.postcode}".strip(", ")
        _line(text, "", "address " + masked(where, revealed, privacy, 80))
    if person.phone or person.email:
        phone, email = masked(person.phone, revealed, privacy), masked(person.email, revealed, privacy)
        _line(text, "", f"phone {phone} · email {email}")
    if ctx.role is not Role.DRIVE and not privacy and (
        person.immigration_status or person.nrpf is not None or person.visa_dependent is not None
    ):
        _line(
            text,
            "",
            f"immigration {one_line(person.immigration_status, 30) or 'not recorded'} · NRPF {yes_no(person.nrpf)}"
            f" · visa dependent {yes_no(person.visa_dependent)}",
        )


def summary(ctx: CaseContext, privacy: bool, revealed: bool) -> Text:
    """People, risk, status, safe-contact card (masked until revealed), children, referral, next due."""
    cf = ctx.casefile
    c = cf.case
    text = Text()
    subject_label = "Victim" if c.kind is CaseKind.VICTIM else "Service user"
    _person_lines(text, cf.subject, subject_label, ctx, privacy, revealed)
    for party in cf.parties:
        person = cf.person(party.person_id)
        if person is None or person.id == cf.subject.id:
            continue
        who = "Perpetrator" if party.role is PersonRole.PERPETRATOR else label(party.role).capitalize()
        _line(text, who, f"{level3(person.display_name, privacy, 40)} · {label(party.relationship)}")
    text.append("\n")
    _line(text, "Case", f"{label(c.kind)} case · {label(c.status)} · opened {day(c.opened_on)} · worker "
          f"{one_line(ctx.workers.get(c.worker_id, '?'), 30)}")
    _line(text, "Risk", f"{c.risk_level.value}" + (f" · area {one_line(c.area, 30)}" if c.area else ""))
    if c.abuse_types:
        _line(text, "Abuse types", ", ".join(label(a) for a in c.abuse_types))
    if c.kind is CaseKind.VICTIM:
        _line(text, "Updates", f"every {c.update_frequency_days} days by {label(c.update_method)}"
              + (" · enhanced rights" if c.enhanced_rights else ""))
    for ref in cf.referrals[-1:]:
        _line(text, "Referral", f"{day(ref.received_on)} from {label(ref.source)}"
              + (f" · {level3(ref.reason, privacy, 60)}" if ref.reason else ""))
    if c.legal_hold:
        _line(text, "Legal hold", level3(c.legal_hold_reason, privacy, 60) or "yes")
    text.append("\n")
    sc = cf.safe_contact
    if sc is not None and ctx.role is not Role.DRIVE:
        numbers = ", ".join(masked(n, revealed, privacy, 20) for n in sc.safe_numbers) or "none recorded"
        hint = "" if revealed or privacy else "   (r reveal, audited)"
        _line(text, "Safe contact", f"numbers {numbers}{hint}")
        days = ", ".join(WEEKDAYS[d] for d in sc.safe_weekdays if 0 <= d < 7)
        times = f"{sc.safe_from}–{sc.safe_until}" if sc.safe_from or sc.safe_until else "any time"
        _line(text, "", f"safe times {masked(times, revealed, privacy, 20)} on {masked(days, revealed, privacy)}")
        _line(text, "", f"texts {'OK' if sc.text_safe else 'NOT safe'} · voicemail "
              f"{'OK' if sc.voicemail_safe else 'NOT safe'} · email {'OK' if sc.email_safe else 'NOT safe'}"
              f" · prefers {label(sc.preferred_channel)}")
        _line(text, "", f"code word {masked(sc.code_word, revealed, privacy)} · must not know: "
              f"{masked(sc.who_must_not_know, revealed, privacy, 60)}")
    if cf.children:
        informed = sum(1 for ch in cf.children if ch.school_informed)
        _line(text, "Children", f"{len(cf.children)} · school informed for {informed}")
        for ch in cf.children:
            _line(text, "", f"{level3(ch.given_name, privacy, 30)} · {label(ch.age_band)} · "
                  f"{one_line(ch.relationship_to_victim, 20)}")
    if ctx.due:
        first = ctx.due[0]
        late = f" — {first.days_overdue} d late" if first.days_overdue > 0 else ""
        _line(text, "Next due", f"{one_line(first.reason, 80)} · due {day(first.due_on)}{late}")
        if len(ctx.due) > 1:
            _line(text, "", f"and {len(ctx.due) - 1} more")
    return text


def risk_rows(ctx: CaseContext) -> list[Row]:
    """DASH history, newest first: date, score, level, professional judgement, assessor, stage."""
    rows: list[Row] = []
    for d in sorted(ctx.casefile.dash, key=lambda a: (a.assessed_on, a.id), reverse=True):
        judgement = f"raised to {d.judgement_level.value}" if d.judgement_level else ""
        rows.append((
            Text(day(d.assessed_on)),
            Text(str(score(d.answers))),
            Text(assessed_level(d).value),
            Text(judgement),
            Text(one_line(ctx.workers.get(d.assessor_id, "?"), 24)),
            Text("exit" if d.is_exit else ""),
        ))
    return rows


def risk_scores(ctx: CaseContext) -> list[float]:
    """DASH scores oldest first, for the sparkline."""
    return [float(score(d.answers)) for d in sorted(ctx.casefile.dash, key=lambda a: (a.assessed_on, a.id))]


def marac_text(ctx: CaseContext) -> Text:
    """MARAC criteria today, with reasons, and previous referrals and listings."""
    cf = ctx.casefile
    text = Text()
    if cf.case.kind is not CaseKind.VICTIM:
        return text
    met = [r for r in ctx.marac if r.met]
    text.append(f"MARAC criteria on {day(ctx.on)}: " + ("met\n" if met else "not met\n"), style="bold")
    for r in ctx.marac:
        text.append(("  ✔ " if r.met else "  ✘ ") + one_line(r.reason, 150) + "\n")
    for ref in cf.marac_referrals:
        text.append(f"Referred to MARAC {day(ref.referred_on)} · consent {label(ref.consent)}\n")
    for listing in cf.marac_listings:
        text.append(f"Listed at MARAC {day(listing.meeting_on)}" + (" (repeat)\n" if listing.repeat else "\n"))
    return text


def plan_text(ctx: CaseContext) -> Text:
    """The plan's review date, or the no-plan flag."""
    cf = ctx.casefile
    plan = current_plan(cf)
    if plan is None:
        flag = " — HIGH RISK WITHOUT A CURRENT PLAN" if cf.case.risk_level is RiskLevel.HIGH else ""
        return Text(f"No current safety plan{flag}", style="bold")
    overdue = " — review overdue" if plan.review_on < ctx.on else ""
    return Text(f"Safety plan of {day(plan.created_on)} · review {day(plan.review_on)}{overdue}")


def plan_items_in_order(ctx: CaseContext) -> list[SafetyPlanItem]:
    """The current plan's items in the order the plan tab lists them."""
    plan = current_plan(ctx.casefile)
    items = [i for i in ctx.casefile.plan_items if plan is None or i.plan_id == plan.id]
    return sorted(items, key=lambda i: (i.due_on or date.max, i.id))


def updates_in_order(ctx: CaseContext) -> list[VictimUpdate]:
    """Victim updates in the order the updates tab lists them (latest due first)."""
    return sorted(ctx.casefile.updates, key=lambda u: (u.due_on, u.id), reverse=True)


def orders_in_order(ctx: CaseContext) -> list[ProtectiveOrder]:
    """Orders in the order the orders tab lists them (latest start first)."""
    return sorted(ctx.casefile.orders, key=lambda o: o.starts_on, reverse=True)


def plan_rows(ctx: CaseContext, privacy: bool) -> list[Row]:
    """Plan items: category, risk, action, who, by when, status."""
    return [
        (
            Text(label(i.category)),
            Text(level3(i.risk, privacy, 40)),
            Text(level3(i.action, privacy, 50)),
            Text(one_line(i.who + (f" ({i.agency})" if i.agency else ""), 24)),
            Text(day(i.due_on)),
            Text(label(i.status)),
        )
        for i in plan_items_in_order(ctx)
    ]


def contact_rows(ctx: CaseContext, privacy: bool) -> list[Row]:
    """Contacts and attempts, newest first, in local time."""
    rows: list[Row] = []
    for k in sorted(ctx.casefile.contacts, key=lambda k: k.at, reverse=True):
        local = k.at.astimezone(_ZONE)
        rows.append((
            Text(f"{local.day} {local:%b %Y %H:%M}"),
            Text(label(k.kind)),
            Text(label(k.channel)),
            Text(label(k.outcome)),
            Text(str(k.minutes) if k.minutes else ""),
            Text(one_line(ctx.workers.get(k.worker_id, "?"), 20)),
            Text(level3(k.note, privacy, 60)),
        ))
    return rows


def contact_text(ctx: CaseContext) -> Text:
    """Last two-way contact and the next contact due."""
    last = last_contact_on(ctx.casefile)
    due = next((d for d in ctx.due if d.tab == "contacts"), None)
    text = Text(f"Last contact {day(last) or 'none'}")
    if due is not None:
        text.append(f" · {one_line(due.reason, 80)} (due {day(due.due_on)})")
    return text


def update_rows(ctx: CaseContext) -> list[Row]:
    """Victim updates: event, event date, who tells, due, told, state."""
    rows: list[Row] = []
    for u in updates_in_order(ctx):
        if u.told_on is not None:
            state = Text("told late", style="bold red") if u.late else Text("told on time")
        elif u.due_on < ctx.on:
            state = Text("OVERDUE", style="bold red")
        elif u.due_on == ctx.on:
            state = Text("due today", style="bold")
        else:
            state = Text("open")
        rows.append((
            Text(label(u.event)),
            Text(day(u.event_on)),
            Text(label(u.who_tells)),
            Text(day(u.due_on)),
            Text(day(u.told_on) + (f" by {label(u.told_channel)}" if u.told_channel else "")),
            state,
        ))
    return rows


def order_rows(ctx: CaseContext, privacy: bool) -> list[Row]:
    """Orders and bail: type, start, end, conditions, breaches."""
    breaches: dict[str, int] = {}
    for b in ctx.casefile.breaches:
        breaches[b.order_id] = breaches.get(b.order_id, 0) + 1
    rows: list[Row] = []
    for o in orders_in_order(ctx):
        state = "ended" if o.ends_on is not None and o.ends_on < ctx.on else "in force"
        rows.append((
            Text(label(o.kind)),
            Text(day(o.starts_on)),
            Text(day(o.ends_on) or "no end date"),
            Text(state),
            Text(level3(o.conditions, privacy, 50)),
            Text(str(breaches.get(o.id, 0))),
        ))
    return rows


def milestone_rows(ctx: CaseContext, privacy: bool) -> list[Row]:
    """Criminal-justice milestones, newest first."""
    return [
        (
            Text(day(m.occurred_on)),
            Text(label(m.kind)),
            Text(f"outcome {m.outcome_code}" if m.outcome_code else ""),
            Text(level3(m.detail, privacy, 60)),
        )
        for m in sorted(ctx.casefile.milestones, key=lambda m: (m.occurred_on, m.id), reverse=True)
    ]


def link_rows(ctx: CaseContext) -> list[Row]:
    """Linked cases: reference, type, risk, worker, relationship (nothing else, for every role)."""
    return [
        (
            Text(lc.reference if not lc.hidden else "hidden victim (no victim case)"),
            Text("victim" if lc.kind is CaseKind.VICTIM else "Drive"),
            Text(RISK_SHORT[lc.risk] if not lc.hidden else ""),
            Text(one_line(lc.worker, 30)),
            Text(label(lc.relationship)),
        )
        for lc in ctx.linked
    ]


def audit_rows(ctx: CaseContext) -> list[Row]:
    """Audit entries on this case, newest first (they hold ids and counts, never case values)."""
    rows: list[Row] = []
    for e in sorted(ctx.audit, key=lambda e: e.seq, reverse=True):
        detail = ", ".join(f"{k}={one_line(str(v), 30)}" for k, v in sorted(e.detail.items()))
        rows.append((Text(str(e.seq)), Text(one_line(e.at[:16].replace("T", " "), 20)),
                     Text(one_line(e.actor, 24)), Text(one_line(e.event, 30)), Text(one_line(detail, 60))))
    return rows
