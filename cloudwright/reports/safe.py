"""Text from resource data made safe for the format it lands in.

Resource names, tags and origins come from user programs and state files: anything can be in
them. Spreadsheets run cells that start with `=`, `+`, `-`, `@`, tab or CR as formulas
(the OWASP CSV-injection rule); Markdown meant for PR comments renders HTML, images and
links; terminals obey escape sequences. Each renderer passes such text through one of these.
"""

from __future__ import annotations

import re

_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except tab/newline, DEL, C1 controls, and whole ANSI/OSC escape sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# With `[` and `]` escaped no link or image can form, so `(`, `)` and `!` stay readable; the
# text never starts a line, so `#`, `+` and `-` cannot make headings or lists.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading
    apostrophe. Numbers pass unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


def terminal(text: str) -> str:
    """Text for a terminal: escape sequences and control characters removed."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def markdown(text: str) -> str:
    """Inline Markdown that renders as the literal text: HTML escaped, Markdown punctuation
    (links, images, emphasis, code, tables) backslash-escaped, one line."""
    flat = terminal(text).replace("\r", " ").replace("\n", " ")
    html = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", html)


def code_span(text: str) -> str:
    """Text inside a Markdown code span: no backtick can close it early."""
    flat = terminal(text).replace("\n", " ").replace("`", "'")
    return f"`{flat}`"
