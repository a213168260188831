"""A phrase filled at the counts 0, 1 and 2, for the tests of the catalogue's plural forms.

English reads 1 as singular and 0 and 2 as plural; French reads 0 and 1 as
singular (Babel's CLDR rules), so these three counts show every form.
"""

from __future__ import annotations

from kpilib.story.phrases import phrase

COUNTS = ("0", "1", "2")


def said(key: str, lang: str, count: str, **values: str) -> list[str]:
    """*key* filled at 0, 1 and 2 for the field *count*, spaces made plain for the check."""
    return [" ".join(phrase(key, lang, **{count: n}, **values).split()) for n in COUNTS]
