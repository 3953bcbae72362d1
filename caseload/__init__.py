"""caseload: casework for IDVAs, Drive case managers and supervisors on an encrypted local store."""

__version__ = "0.1.0"
