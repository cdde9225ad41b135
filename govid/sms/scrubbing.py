"""A gateway's error text as it may be stored and logged: without what was sent.

Some carriers echo the request in their error answers, in the encoding they received it or
the one they answer in: plain, form (``+`` for a space), percent-encoded (``%31``, or twice:
``%2531``), JSON escapes (``\\u0031``), HTML entities (``&#49;``, ``&#x31;``, ``&amp;``).
The worker knows the exact text it handed over and, from the record's redacted text, the code
in it; every spelling of those and of the number is taken out of the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.entities import codepoint2name

from govid.phones import mask_phone
from govid.sms.messages import REDACTED_CODE

HIDDEN = "***"
# JSON's short escapes; HTML's names for what a carrier's error page may write instead.
_JSON_SHORT = {'"': '"', "\\": "\\", "/": "/", "\n": "n", "\r": "r", "\t": "t"}
_HTML_EXTRA = {"'": ("apos",), " ": ("nbsp", "#160", "#xa0")}


@cache
def _spellings(char: str) -> str:
    """A regex that matches ``char`` written plainly or in any of the encodings above."""
    code = ord(char)
    forms = {re.escape(char), "".join(f"%(?:25)?{byte:02x}" for byte in char.encode())}
    if char == " ":
        forms.add(r"\+")
    if char in _JSON_SHORT:
        forms.add(re.escape("\\" + _JSON_SHORT[char]))
    units = char.encode("utf-16-be")
    forms.add("".join(rf"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)))
    if code < 0x100:
        forms.add(rf"\\x{code:02x}")
    names = (*_HTML_EXTRA.get(char, ()), codepoint2name.get(code, f"#{code}"))
    forms.update(f"&{name};" for name in names)
    forms.update((f"&#0*{code};", f"&#x0*{code:x};"))
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


# What may stand between the digits of a number: a space (in any spelling), a dash, a dot.
_GAP = f"(?:{_spellings(' ')}|{_spellings('-')}|{_spellings('.')})?"


def _spelled(secret: str, *, gaps: bool = False) -> str:
    """``secret`` in any spelling; with ``gaps``, as numbers are written: ``0393 555-121``."""
    return (_GAP if gaps else "").join(_spellings(char) for char in secret)


def hidden_parts(sent: str, kept: str) -> list[str]:
    """What the text sent holds where the record's text has ``REDACTED_CODE``: the code.

    Other numbers (the minutes left) may differ between the two; a text that no longer
    matches its record (the template changed meanwhile) gives its every new word of 4+ chars.
    """
    if REDACTED_CODE not in kept:
        return []
    pieces = [re.sub(r"\d+", r"\\d+", re.escape(piece)) for piece in kept.split(REDACTED_CODE)]
    match = re.fullmatch("(.+?)".join(pieces), sent, re.DOTALL)
    if match is not None:
        return [part for part in match.groups() if part]
    known = set(re.findall(r"\w+", kept))
    return [word for word in re.findall(r"\w+", sent) if len(word) >= 4 and word not in known]


def scrub(answer: str, *, to: str, text: str, secrets: Iterable[str] = ()) -> str:
    """The answer without the text, the ``secrets`` (codes) or the full number, in any spelling.

    Why: a carrier that echoes the request would otherwise put the code in the record and logs.
    The text's long numbers count as secrets too, for a gateway that knows no more than the text;
    a secret under four characters could not be told from the answer's own words, and is none.
    """
    hidden = {text, *secrets, *re.findall(r"\d{4,}", text)}
    for secret in sorted((s for s in hidden if len(s) >= 4), key=len, reverse=True):
        answer = re.sub(_spelled(secret), HIDDEN, answer, flags=re.IGNORECASE)
    national = to.removeprefix("+84") if to.startswith("+84") else to.removeprefix("+")
    if not national:
        return answer
    prefixes = "|".join(_spelled(p, gaps=True) for p in ("+84", "0084", "84", "+", "0"))
    number = f"(?:(?:{prefixes}){_GAP})?{_spelled(national, gaps=True)}"
    masked = mask_phone(to) if to.startswith("+84") else "XXX"
    return re.sub(number, masked, answer, flags=re.IGNORECASE)
