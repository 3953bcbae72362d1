"""Seeded, deterministic synthetic caseload (pure: no I/O, no store, no UI).

``generate(cases, seed, today)`` returns a :class:`SyntheticCaseload` with every record type except victim
updates (derived from milestones elsewhere); ``to_casefiles`` groups it into :class:`CaseFile` values.
All names, addresses and numbers are obviously fake (see :mod:`caseload.synthetic.names`).
"""

from __future__ import annotations

from caseload.synthetic.generator import SyntheticCaseload, generate, to_casefiles

__all__ = ["SyntheticCaseload", "generate", "to_casefiles"]
