"""The partnership summary: which tables, over which people, broken down by what (R3, R11, R12).

Input is the store's :class:`~caseload.store.reporting.Population` (categories and small counts per case, no
identifiers); output is a :class:`Summary` of :class:`SafeTable` objects. Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from caseload.domain.sanitise import one_line
from caseload.export.anonymise import Rules
from caseload.export.periods import Period
from caseload.export.tables import RawBlock, RawTable, SafeTable, build_table
from caseload.store.reporting import CaseFacts, Population

OTHER = "Other / not recorded"
FIREWALL = re.compile(r"immigra|nrpf|no recourse|visa|asylum|refugee status", re.IGNORECASE)
"""R12: no label may even mention a firewall field."""

AGE = {"16-17": "16–17", "18-24": "18–24", "25-34": "25–34", "35-44": "35–44", "45-54": "45–54",
       "55-64": "55–64", "65+": "65 and over"}
SEX = {"female": "Female", "male": "Male"}
ETHNICITY = {"white": "White", "mixed": "Mixed or multiple", "asian": "Asian or Asian British",
             "black": "Black, Black British, Caribbean or African", "other": "Other ethnic group"}
YES_NO = {True: "Yes", False: "No"}
RELATION = {"current_partner": "Intimate partner", "ex_partner": "Intimate partner",
            "family_member": "Family member"}
SOURCE = {"police": "Police", "marac": "MARAC", "health": "Health / hospital", "self": "Self-referral",
          "family_friend": "Family or friend", "housing": "Housing", "childrens_services": "Children's services",
          "adult_social_care": "Adult social care", "drive": "Drive", "victim_service": "Victim service",
          "other": OTHER}
ORDER = {"dvpn": "DVPN", "dvpo": "DVPO", "dapn": "DAPN", "dapo": "DAPO", "non_molestation": "Non-molestation order",
         "restraining": "Restraining order", "stalking_protection": "Stalking protection order",
         "fgm_protection": "FGM protection order", "forced_marriage_protection": "Forced marriage protection order",
         "barring": "Barring order", "pre_charge_bail": "Pre-charge bail", "rui": "Released under investigation",
         "remand": "Remand", "dvds_disclosure": "DVDS disclosure", "sanctuary": "Sanctuary scheme",
         "refuge": "Refuge"}
RISK = ("standard", "medium", "high")
RISK_LABEL = ("Standard", "Medium", "High")
CHILDREN = ("None", "1", "2", "3 or more")
DECISIONS = (("convicted", "Convicted"), ("charged", "Charged, no conviction yet"),
             ("nfa_15", "NFA: evidential difficulties (15)"), ("nfa_16", "NFA: victim does not support (16)"),
             ("nfa_other", "NFA: other"))
STAGES = ("Reported only", "Not crimed", "Under investigation", "No further action", "Charged, at court",
          "Convicted")
BEHAVIOURS = (("physical", "Physical"), ("sexual", "Sexual"), ("coercive_control", "Jealous / controlling"),
              ("harassment_stalking", "Harassment / stalking"))
DRIVE_STATUS = {"referred": "Referred / allocated", "allocated": "Referred / allocated",
                "contact_attempts": "Contact attempts", "engaged": "Engaged / intervention",
                "intervention": "Engaged / intervention", "not_engaged": "Not engaged", "closed": "Closed"}

Dim = tuple[str, Callable[[CaseFacts], str], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Summary:
    """A partnership summary ready to write: tables plus the rules footnote (R13)."""

    period: Period
    area: str
    generated: date
    rules: Rules
    tables: tuple[SafeTable, ...]

    @property
    def footnote(self) -> tuple[str, ...]:
        """The rules applied, in words (every file carries these lines and nothing else identifying)."""
        t = self.rules.threshold
        return (
            f"Anonymised partnership summary. Period: {self.period.describe()}. Area: {self.area}. "
            f"Generated: {self.generated:%d %B %Y}.",
            f"Counts of 1 to {t - 1} are shown as <{t} (threshold {t}). Other counts are rounded to the nearest "
            f"{self.rules.base}; totals are computed from unrounded figures and then rounded, so rows may not "
            "add up to their totals.",
            f"* marks a figure withheld so that a <{t} figure cannot be worked out from a total, or because one "
            f"category holds {round(self.rules.dominance_share * 100)}% or more of a group of fewer than "
            f"{self.rules.dominance_group}.",
            f"Percentages use the rounded figures and are not shown (n/a) when a figure is withheld or the "
            f"denominator is under {t}. Medians only from {t} or more people; no minimum or maximum is given.",
            f"Categories with fewer than {t} people in scope are merged into \"{OTHER}\". No names, references, "
            "dates or free text are included.",
        )


def _label(mapping: Mapping[Any, str], value: object) -> str:
    return mapping.get(value, OTHER)


def _area(f: CaseFacts) -> str:
    return _area_label(f.area)


@functools.lru_cache(maxsize=256)
def _area_label(raw: str) -> str:
    name = one_line(raw, 60).strip()
    return name if name and not FIREWALL.search(name) else OTHER


def _relationship(f: CaseFacts) -> str:
    return RELATION.get(f.relationship, OTHER)


DIMENSIONS: tuple[Dim, ...] = (
    ("Age band", lambda f: _label(AGE, f.age_band), tuple(AGE.values())),
    ("Sex", lambda f: _label(SEX, f.sex), tuple(SEX.values())),
    ("Ethnicity", lambda f: _label(ETHNICITY, f.ethnicity), tuple(ETHNICITY.values())),
    ("Disability", lambda f: _label(YES_NO, f.disability), ("Yes", "No")),
    ("LGBT+", lambda f: _label(YES_NO, f.lgbt), ("Yes", "No")),
    ("Relationship to the person causing harm", _relationship, ("Intimate partner", "Family member")),
)
AREA_DIM: Dim = ("Area", _area, ())


def merge_rare(values: Iterable[str], order: Sequence[str], rules: Rules) -> dict[str, str]:
    """R11: label → published label, merging every label with fewer than ``threshold`` people into OTHER."""
    counts = Counter(values)
    known = [x for x in order if x in counts] + sorted(x for x in counts if x not in order and x != OTHER)
    mapping = {x: (x if counts[x] >= rules.threshold else OTHER) for x in known}
    if OTHER in counts:
        mapping[OTHER] = OTHER
    return mapping


def _groups(mapping: dict[str, str]) -> tuple[str, ...]:
    """Published groups in order, "Other / not recorded" last and only when someone is in it."""
    seen = [v for v in dict.fromkeys(mapping.values()) if v != OTHER]
    return (*seen, OTHER) if OTHER in mapping.values() or not seen else tuple(seen)


class _Builder:
    def __init__(self, facts: Sequence[CaseFacts], dims: Sequence[Dim], rules: Rules) -> None:
        self.rules = rules
        self.dims: list[tuple[str, dict[int, int], tuple[str, ...]]] = []
        for name, fn, order in dims:
            labels = [fn(f) for f in facts]
            mapping = merge_rare(labels, order, rules)
            groups = _groups(mapping)
            index = {g: i for i, g in enumerate(groups)}
            where = {id(f): index[mapping.get(lbl, OTHER)] for f, lbl in zip(facts, labels, strict=True)}
            self.dims.append((name, where, groups))

    def table(
        self,
        key: str,
        title: str,
        unit: str,
        columns: Sequence[str],
        people: Sequence[CaseFacts],
        count: Callable[[CaseFacts], int | Sequence[int]],
        *,
        sample: Callable[[CaseFacts], int | None] | None = None,
        breakdown: bool = True,
        **options: object,
    ) -> RawTable:
        """Tally ``count`` (a column index, or a vector of counts) over ``people``, overall and per group."""
        width = len(columns)
        dims = self.dims if breakdown else []
        overall = [0] * width
        per_dim = [[[0] * width for _ in groups] for _, _, groups in dims]
        for f in people:
            got = count(f)
            slots = [per_dim[d][where[id(f)]] for d, (_, where, _) in enumerate(dims)]
            if isinstance(got, int):
                overall[got] += 1
                for row in slots:
                    row[got] += 1
                continue
            for i, v in enumerate(got):
                if v:
                    overall[i] += v
                    for row in slots:
                        row[i] += v
        blocks: list[RawBlock] = []
        for d, (name, where, groups) in enumerate(dims):
            samples = None
            if sample is not None:
                buckets: list[list[int]] = [[] for _ in groups]
                for f in people:
                    if (s := sample(f)) is not None:
                        buckets[where[id(f)]].append(s)
                samples = tuple(tuple(b) for b in buckets)
            blocks.append(RawBlock(name, groups, tuple(tuple(r) for r in per_dim[d]), samples))
        median = None
        if sample is not None:
            median = (tuple(s for f in people if (s := sample(f)) is not None), "Median days")
        return RawTable(key, title, unit, tuple(columns), tuple(overall), tuple(blocks), median=median,
                        **options)  # type: ignore[arg-type]


def _stage(f: CaseFacts) -> int:
    ms = set(f.milestones)
    if "sentence" in ms:
        return 5
    if "charged" in ms:
        return 4
    if "nfa" in ms or "decision_not_to_investigate" in ms:
        return 3
    if "not_crimed" in ms:
        return 1
    if ms - {"reported"}:
        return 2
    return 0


def _behaviours(found: Iterable[str]) -> set[str]:
    out = set(found)
    if out & {"harassment", "stalking"}:
        out.add("harassment_stalking")
    return out


def victim_tables(facts: Sequence[CaseFacts], dims: Sequence[Dim], rules: Rules) -> list[RawTable]:
    """The IDVA tables over victim cases worked in the period."""
    b = _Builder(facts, dims, rules)
    new = [f for f in facts if f.new_in_period]
    sources = merge_rare((_label(SOURCE, f.referral_source) for f in new), tuple(SOURCE.values()), rules)
    src_cols = _groups(sources)
    closed = [f for f in facts if f.closed_in_period and f.intake_risk in RISK and f.exit_risk in RISK]
    order_map = merge_rare((_label(ORDER, o) for f in facts for o in f.orders), tuple(ORDER.values()), rules)
    breach_map = merge_rare((_label(ORDER, o) for f in facts for o in f.breaches), tuple(ORDER.values()), rules)
    order_cols, breach_cols = _groups(order_map), _groups(breach_map)
    referred = [f for f in facts if f.marac_first or f.marac_repeat]
    decided = [f for f in facts if f.decision_in_period]
    in_cjs = [f for f in facts if f.milestones]
    dec_keys = [k for k, _ in DECISIONS]

    def tally(labels: Iterable[str], mapping: dict[str, str], cols: tuple[str, ...]) -> tuple[int, ...]:
        c = Counter(mapping.get(_label(ORDER, x), OTHER) for x in labels)
        return tuple(c[col] for col in cols)

    return [
        b.table("referrals_by_source", "Referrals by source", "new victim cases", src_cols, new,
                lambda f: src_cols.index(sources[_label(SOURCE, f.referral_source)]),
                chart="bar"),
        b.table("cases", "Cases: carried in, new and closed", "victim cases worked",
                ("Carried in, still open", "Carried in, closed", "New, still open", "New and closed"), facts,
                lambda f: 2 * f.new_in_period + f.closed_in_period),
        b.table("risk_intake", "Risk level at intake (cases closed in the period)", "victim cases closed",
                RISK_LABEL, closed, lambda f: RISK.index(f.intake_risk), sensitive=True,
                chart="risk"),
        b.table("risk_exit", "Risk level at exit (cases closed in the period)", "victim cases closed",
                RISK_LABEL, closed, lambda f: RISK.index(f.exit_risk), sensitive=True,
                chart="risk"),
        b.table("dash", "DASH risk assessment completed (new cases)", "new victim cases",
                ("DASH completed", "No DASH yet"), new, lambda f: 0 if f.dash_done else 1,
                percent=(0, "% completed")),
        b.table("marac", "MARAC referrals in the period", "victim cases referred",
                ("First referral", "Repeat referral"), referred, lambda f: 1 if f.marac_repeat else 0,
                sensitive=True, percent=(1, "Repeat rate")),
        b.table("first_attempt", "Days from referral to first contact attempt (new cases)", "new victim cases",
                ("Cases",), [f for f in new if f.days_to_first_attempt is not None], lambda f: 0,
                sample=lambda f: f.days_to_first_attempt, partition=False),
        b.table("contacts", "Contacts and attempts", "contacts and attempts", ("Contacts", "Attempts"), facts,
                lambda f: (f.contacts, f.attempts)),
        b.table("updates", "Victim updates due in the period", "updates due",
                ("Told on time", "Told late", "Not yet told"), facts,
                lambda f: (f.updates_on_time, f.updates_late, f.updates_not_told), percent=(0, "% on time")),
        b.table("orders", "Protective orders and measures started", "orders", order_cols, facts,
                lambda f: tally(f.orders, order_map, order_cols), chart="bar"),
        b.table("breaches", "Breaches of orders and bail", "breaches", breach_cols, facts,
                lambda f: tally(f.breaches, breach_map, breach_cols)),
        b.table("cjs_outcomes", "Criminal-justice decisions in the period (furthest reached)", "victim cases",
                tuple(label for _, label in DECISIONS), decided,
                lambda f: dec_keys.index(f.decision_in_period), sensitive=True),
        b.table("cjs_stage", "Where cases left the criminal-justice process (stage reached by period end)",
                "victim cases with a police report", STAGES, in_cjs, _stage,
                sensitive=True, additive=False, chart="bar"),
        b.table("children", "Children in the household", "victim cases worked", CHILDREN, facts,
                lambda f: min(f.children, 3), sensitive=True),
    ]


def drive_tables(facts: Sequence[CaseFacts], dims: Sequence[Dim], rules: Rules) -> list[RawTable]:
    """The Drive tables over perpetrator cases worked in the period."""
    b = _Builder(facts, dims, rules)
    cols = tuple(dict.fromkeys(DRIVE_STATUS.values()))
    reviewed = [f for f in facts if f.intake_behaviours and f.review_behaviours is not None]
    beh_cols = ("Service users", *(label for _, label in BEHAVIOURS))

    def behaviour_row(found: Iterable[str]) -> tuple[int, ...]:
        have = _behaviours(found)
        return (1, *(1 if k in have else 0 for k, _ in BEHAVIOURS))

    return [
        b.table("drive_service_users", "Drive: service users worked, by status at period end", "service users",
                cols, facts, lambda f: cols.index(DRIVE_STATUS.get(f.status, "Closed")),
                additive=False),
        b.table("drive_behaviour_intake", "Drive: behaviour types at intake", "service users", beh_cols, reviewed,
                lambda f: behaviour_row(f.intake_behaviours), partition=False, chart="behaviour"),
        b.table("drive_behaviour_review", "Drive: behaviour types at latest review", "service users", beh_cols,
                reviewed, lambda f: behaviour_row(f.review_behaviours or ()), partition=False,
                chart="behaviour"),
    ]


def build_summary(pop: Population, period: Period, rules: Rules, generated: date, area_label: str) -> Summary:
    """Every table of the partnership summary, anonymised."""
    dims = (*DIMENSIONS, *((AREA_DIM,) if pop.area is None else ()))
    victims = [f for f in pop.facts if f.kind == "victim"]
    drive = [f for f in pop.facts if f.kind == "perpetrator"]
    raw = [*victim_tables(victims, dims, rules), *drive_tables(drive, dims, rules)]
    tables = tuple(build_table(t, rules) for t in raw)
    for t in tables:
        labels = [t.title, *t.columns, *t.extra_columns, *(lbl for _, row in t.rows() for lbl in (row.label,))]
        labels += [blk.dimension for blk in t.blocks]
        if any(FIREWALL.search(x) for x in labels):
            raise ValueError("a firewall field reached a partnership table")  # pragma: no cover - guarded above
    safe_area = one_line(area_label, 60)
    return Summary(period, OTHER if FIREWALL.search(safe_area) else safe_area, generated, rules, tables)
