"""Enumerations used by the case records (values are what is stored; labels are for people)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a user of the store does; decides what the store lets them see."""

    IDVA = "idva"
    DRIVE = "drive"
    SUPERVISOR = "supervisor"


class CaseKind(enum.StrEnum):
    """Victim case (held by an IDVA) or perpetrator case (held by a Drive case manager)."""

    VICTIM = "victim"
    PERPETRATOR = "perpetrator"


class VictimStatus(enum.StrEnum):
    """Victim case workflow: referred → contact attempts → assessment → active support → closed."""

    REFERRED = "referred"
    CONTACT_ATTEMPTS = "contact_attempts"
    ASSESSMENT = "assessment"
    ACTIVE_SUPPORT = "active_support"
    DORMANT = "dormant"
    DECLINED = "declined"
    UNABLE_TO_CONTACT = "unable_to_contact"
    CLOSED = "closed"


class DriveStatus(enum.StrEnum):
    """Drive case workflow: referred → allocated → contact attempts → engaged / not engaged → intervention."""

    REFERRED = "referred"
    ALLOCATED = "allocated"
    CONTACT_ATTEMPTS = "contact_attempts"
    ENGAGED = "engaged"
    NOT_ENGAGED = "not_engaged"
    INTERVENTION = "intervention"
    CLOSED = "closed"


class RiskLevel(enum.StrEnum):
    """Risk level: standard, medium or high (DASH bands, possibly raised by professional judgement)."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order for comparisons: standard 1, medium 2, high 3."""
        return _RISK_RANK[self.value]


_RISK_RANK = {"standard": 1, "medium": 2, "high": 3}


class PersonRole(enum.StrEnum):
    """Part a person plays on a case."""

    VICTIM = "victim"
    PERPETRATOR = "perpetrator"
    CHILD = "child"


class Sex(enum.StrEnum):
    """Recorded sex."""

    FEMALE = "female"
    MALE = "male"
    NOT_RECORDED = "not_recorded"


class AgeBand(enum.StrEnum):
    """Age bands used for disaggregation (domain.md, Demographics)."""

    B16_17 = "16-17"
    B18_24 = "18-24"
    B25_34 = "25-34"
    B35_44 = "35-44"
    B45_54 = "45-54"
    B55_64 = "55-64"
    B65_PLUS = "65+"
    NOT_RECORDED = "not_recorded"


class Ethnicity(enum.StrEnum):
    """ONS five high-level groups plus not recorded."""

    WHITE = "white"
    MIXED = "mixed"
    ASIAN = "asian"
    BLACK = "black"
    OTHER = "other"
    NOT_RECORDED = "not_recorded"


class ChildAgeBand(enum.StrEnum):
    """Age band of a child recorded on a case."""

    UNDER_5 = "0-4"
    B5_10 = "5-10"
    B11_15 = "11-15"
    B16_17 = "16-17"


class ReferralSource(enum.StrEnum):
    """Where a referral came from."""

    POLICE = "police"
    MARAC = "marac"
    HEALTH = "health"
    SELF = "self"
    FAMILY_FRIEND = "family_friend"
    HOUSING = "housing"
    CHILDRENS_SERVICES = "childrens_services"
    ADULT_SOCIAL_CARE = "adult_social_care"
    DRIVE = "drive"
    VICTIM_SERVICE = "victim_service"
    OTHER = "other"


class ClosureReason(enum.StrEnum):
    """Why a case closed. ``DECEASED`` places a legal hold (Domestic Homicide Review)."""

    RISK_REDUCED = "risk_reduced"
    DECLINED = "declined"
    UNABLE_TO_CONTACT = "unable_to_contact"
    MOVED_AWAY = "moved_away"
    TRANSFERRED = "transferred"
    OTHER_SERVICE = "other_service"
    DECEASED = "deceased"


class LinkKind(enum.StrEnum):
    """How a victim is linked to a perpetrator case."""

    CURRENT_PARTNER = "current_partner"
    EX_PARTNER = "ex_partner"
    FAMILY_MEMBER = "family_member"
    HIDDEN_VICTIM = "hidden_victim"


class DashAnswer(enum.StrEnum):
    """Answer to one DASH question."""

    YES = "y"
    NO = "n"
    NOT_KNOWN = "k"


class AbuseType(enum.StrEnum):
    """Abuse types (multi-select)."""

    PHYSICAL = "physical"
    SEXUAL = "sexual"
    PSYCHOLOGICAL = "psychological"
    ECONOMIC = "economic"
    COERCIVE_CONTROL = "coercive_control"
    STALKING = "stalking"
    HARASSMENT = "harassment"
    TECH_FACILITATED = "tech_facilitated"
    HONOUR_BASED = "honour_based"
    FORCED_MARRIAGE = "forced_marriage"
    FGM = "fgm"
    IMMIGRATION_ABUSE = "immigration_abuse"
    POST_SEPARATION = "post_separation"
    ADOLESCENT_TO_PARENT = "adolescent_to_parent"


class IncidentKind(enum.StrEnum):
    """Kind of incident between a victim and a perpetrator (criminal or not)."""

    PHYSICAL_ASSAULT = "physical_assault"
    SEXUAL_ASSAULT = "sexual_assault"
    STRANGULATION = "strangulation"
    THREATS = "threats"
    CRIMINAL_DAMAGE = "criminal_damage"
    STALKING = "stalking"
    UNWANTED_CONTACT = "unwanted_contact"
    BREACH = "breach"
    CHILD_CONTACT_DISPUTE = "child_contact_dispute"
    OTHER = "other"


class OrderType(enum.StrEnum):
    """Protective orders and measures, incl. bail."""

    DVPN = "dvpn"
    DVPO = "dvpo"
    DAPN = "dapn"
    DAPO = "dapo"
    NON_MOLESTATION = "non_molestation"
    RESTRAINING = "restraining"
    STALKING_PROTECTION = "stalking_protection"
    FGM_PROTECTION = "fgm_protection"
    FORCED_MARRIAGE_PROTECTION = "forced_marriage_protection"
    BARRING = "barring"
    PRE_CHARGE_BAIL = "pre_charge_bail"
    RELEASED_UNDER_INVESTIGATION = "rui"
    REMAND = "remand"
    DVDS_DISCLOSURE = "dvds_disclosure"
    SANCTUARY = "sanctuary"
    REFUGE = "refuge"


class MilestoneKind(enum.StrEnum):
    """Criminal-justice journey milestones."""

    REPORTED = "reported"
    CRIMED = "crimed"
    NOT_CRIMED = "not_crimed"
    ARREST = "arrest"
    INTERVIEW_UNDER_CAUTION = "interview_under_caution"
    RELEASE_WITHOUT_CHARGE = "release_without_charge"
    BAIL = "bail"
    RUI = "rui"
    BAIL_CONDITIONS_CHANGED = "bail_conditions_changed"
    REMAND = "remand"
    DECISION_NOT_TO_INVESTIGATE = "decision_not_to_investigate"
    NFA = "nfa"
    CHARGED = "charged"
    FIRST_HEARING = "first_hearing"
    HEARING_DATE_SET = "hearing_date_set"
    EVIDENCE_REQUIRED = "evidence_required"
    COURT_BAIL_OUTCOME = "court_bail_outcome"
    WARRANT = "warrant"
    TRIAL_DATE = "trial_date"
    VERDICT = "verdict"
    SENTENCE = "sentence"
    APPEAL = "appeal"
    RELEASE_FROM_CUSTODY = "release_from_custody"


class ContactKind(enum.StrEnum):
    """Attempt (no two-way contact) or contact (two-way)."""

    ATTEMPT = "attempt"
    CONTACT = "contact"


class Channel(enum.StrEnum):
    """How contact was made or attempted."""

    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    VOICEMAIL = "voicemail"
    FACE_TO_FACE = "face_to_face"
    VIDEO = "video"
    LETTER = "letter"


class ContactOutcome(enum.StrEnum):
    """What happened on a contact or attempt."""

    SPOKE = "spoke"
    NO_ANSWER = "no_answer"
    UNSAFE_TO_TALK = "unsafe_to_talk"
    LEFT_MESSAGE = "left_message"
    REPLIED = "replied"
    MET = "met"


class SafetyCategory(enum.StrEnum):
    """Safety-plan item categories."""

    HOME_SECURITY = "home_security"
    PROTECTIVE_ORDERS = "protective_orders"
    ESCAPE_PLAN = "escape_plan"
    CHILDREN = "children"
    DIGITAL_SAFETY = "digital_safety"
    FINANCES = "finances"
    HEALTH = "health"
    HOUSING = "housing"
    COURT = "court"
    MARAC_ACTION = "marac_action"


class ItemStatus(enum.StrEnum):
    """Status of a safety-plan item."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_NEEDED = "not_needed"


class Consent(enum.StrEnum):
    """Victim's position on a MARAC referral."""

    CONSENTED = "consented"
    AWARE_NOT_CONSENTED = "aware_not_consented"
    NOT_AWARE = "not_aware"


class MaracCriterion(enum.StrEnum):
    """The four MARAC referral criteria."""

    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    POTENTIAL_ESCALATION = "potential_escalation"
    REPEAT = "repeat"


class DriveInfoKind(enum.StrEnum):
    """Information a Drive case manager learns that bears on a linked victim's safety."""

    RELEASE_DATE = "release_date"
    STATED_INTENT = "stated_intent"
    BREACH = "breach"
    DISENGAGEMENT = "disengagement"
    OTHER = "other"


class Region(enum.StrEnum):
    """Bank-holiday region for working-day sums."""

    ENGLAND_WALES = "england_wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"
