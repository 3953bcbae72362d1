"""Make stored or user-supplied text safe to show in a terminal.

Removes ESC sequences (CSI, OSC, DCS, SOS/PM/APC and two-byte escapes), C0 controls (except newline and tab
where a multi-line view allows them), DEL and C1 controls; bidirectional controls become visible placeholders.
The result is plain text: callers must render it without markup (``Text(s)`` / ``Content(s)``).
"""

from __future__ import annotations

import re

_ESC_SEQ = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?          # CSI ... final
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)   # OSC, DCS, SOS, PM, APC ... terminator
    | \x9b[0-?]*[ -/]*[@-~]?          # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)   # 8-bit DCS/SOS/OSC/PM/APC
    | \x1b[ -/]*[0-~]?                # other escapes (two or three bytes)
    """,
    re.VERBOSE | re.DOTALL,
)
_BIDI = {
    "\u061c": "<ALM>",
    "\u200e": "<LRM>",
    "\u200f": "<RLM>",
    "\u202a": "<LRE>",
    "\u202b": "<RLE>",
    "\u202c": "<PDF>",
    "\u202d": "<LRO>",
    "\u202e": "<RLO>",
    "\u2066": "<LRI>",
    "\u2067": "<RLI>",
    "\u2068": "<FSI>",
    "\u2069": "<PDI>",
}


def _is_control(ch: str, multiline: bool) -> bool:
    o = ord(ch)
    if multiline and ch in "\n\t":
        return False
    return o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F


def clean(text: str, *, multiline: bool = False) -> str:
    """Plain, terminal-safe text: escapes and controls removed, bidi controls made visible."""
    if not text:
        return ""
    out = _ESC_SEQ.sub("", text)
    out = "".join(
        _BIDI.get(ch, ch) for ch in out if not _is_control(ch, multiline) and not 0xD800 <= ord(ch) <= 0xDFFF
    )
    return out


def one_line(text: str, limit: int = 200) -> str:
    """Cleaned text on one line (newlines and tabs become spaces), cut to ``limit`` characters."""
    flat = clean(text, multiline=True).replace("\n", " ").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def mask(text: str) -> str:
    """A fixed-width mask that reveals nothing about the length of the text."""
    return "●●●●●" if text else ""
