"""Identifiable case documents written for a named recipient (the MARAC referral): no Textual, no store.

Unlike :mod:`caseload.export` (anonymised partnership summaries), these files identify a victim; each one says
so in its header and must travel by secure email only.
"""
