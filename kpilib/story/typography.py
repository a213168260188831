"""French typography: the no-break spaces French puts before ``: ; ! ?`` and inside « »,
and the elision of "de" before a value starting with a vowel (:func:`elide`).

One function, :func:`typeset`, applied where French text is made: to each
phrase template before it is filled (:func:`kpilib.story.phrases.phrase`) and
to chart titles (:func:`kpilib.charts._base.finish`). It only touches a sign
that ends a clause, one followed by a space, a closing sign or the end of the
text, so numbers (``3,2:1``), times (``14:05``) and addresses
(``https://…?a=1``) are left as they are. It is idempotent: typesetting typeset
text changes nothing.

The spaces (Imprimerie nationale, as CLDR and most French publishers apply it):

- a no-break space U+00A0 before ``:``;
- a narrow no-break space U+202F before ``;``, ``!`` and ``?``, after « and
  before », and between a number and ``%`` (Babel already puts one between a
  number and its currency symbol, see :class:`kpilib.story.format.Formatter`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["typeset", "elide", "NBSP", "NNBSP"]

NBSP = "\u00a0"
NNBSP = "\u202f"

_SPACES = " \u00a0\u202f"
# a clause-ending sign: followed by a space, a closing sign or the end of the text
_END = r"(?=[\s»)\]”’\"]|$)"
_COLON = re.compile(rf"([^\s{_SPACES};:!?«(])[{_SPACES}]?:{_END}")
_OTHER = re.compile(rf"([^\s{_SPACES};:!?«(])[{_SPACES}]?([;!?]){_END}")
_OPEN = re.compile(rf"«[{_SPACES}]?")
_CLOSE = re.compile(rf"[{_SPACES}]?»")
_VOWEL = "aeiouyàâæéèêëîïôœùûüAEIOUYÀÂÆÉÈÊËÎÏÔŒÙÛÜ"
_DE_FIELD = re.compile(r"\b([Dd])e \{(\w+)\}")
_PERCENT = re.compile(rf"(\d)[{_SPACES}]?%(?=[\s»)\]”’\",.;:!?]|$)")


def typeset(text: str, lang: str) -> str:
    """*text* with the spaces of *lang*'s typography (French only; English is unchanged).

    Examples
    --------
    >>> typeset("Atteinte: réalisé ; écart ? «oui»", "fr").replace("\\u00a0", "~").replace(
    ...     "\\u202f", "^"
    ... )
    'Atteinte~: réalisé^; écart^? «^oui^»'
    >>> typeset("LTV:CAC 3,2:1 à 14:05, https://a.fr/?x=1%20", "fr")
    'LTV:CAC 3,2:1 à 14:05, https://a.fr/?x=1%20'
    >>> typeset("Attainment: done?", "en")
    'Attainment: done?'
    """
    if lang != "fr" or not text:
        return text
    text = _COLON.sub(rf"\1{NBSP}:", text)
    text = _OTHER.sub(rf"\1{NNBSP}\2", text)
    text = _OPEN.sub(f"«{NNBSP}", text)
    text = _CLOSE.sub(f"{NNBSP}»", text)
    return _PERCENT.sub(rf"\1{NNBSP}%", text)


def elide(template: str, values: Mapping[str, object], lang: str) -> str:
    """*template* with "de {field}" elided to "d’{field}" where the field's value starts with a vowel.

    Templates are written elided already; a month or a label filled in may
    start with a vowel ("la cohorte de {month}" with octobre 2025). Only the
    template's own "de" is elided, never text inside a value (a name such as
    "Maria de Almeida" stays as written). English is unchanged.

    Examples
    --------
    >>> elide("La cohorte de {month}", {"month": "octobre 2025"}, "fr")
    'La cohorte d’{month}'
    >>> elide("La cohorte de {month}", {"month": "juillet 2025"}, "fr")
    'La cohorte de {month}'
    >>> elide("de {month}", {"month": "octobre"}, "en")
    'de {month}'
    """
    if lang != "fr":
        return template

    def one(match: re.Match[str]) -> str:
        value = str(values.get(match.group(2), ""))
        return f"{match.group(1)}’{{{match.group(2)}}}" if value[:1] in _VOWEL else match.group(0)

    return _DE_FIELD.sub(one, template)
