"""The sentences of the narrative, in English and French, with their plural forms.

Each entry gives a :meth:`str.format` template per language, whose fields
receive values already formatted by :class:`kpilib.story.format.Formatter`.
Where a sentence depends on a count, the entry names that field under
``"count"`` and gives the language's plural forms instead of one template,
keyed by CLDR plural category (``"one"``, ``"many"``, ``"other"``; see
``babel.Locale(lang).plural_form``) or by an exact value (``"=0"``)::

    "chart.ltv": {
        "count": "above",
        "en": "{above} of {n} channels clear {min}",
        "fr": {
            "one": "{above} canal sur {n} dépasse {min}",
            "other": "{above} canaux sur {n} dépassent {min}",
        },
    }

A language may keep one template when its grammar does not change with the
count. ``"other"`` is required among forms, and a missing category falls back
to it (French's ``"many"``, for a million, reads as ``"other"``). French treats
0 and 1 as singular: "0 canal sur 6 dépasse". Every form but an exact one
contains the count field, so no form hides the number it agrees with. The
count's value is a number, or the number as the formatter wrote it ("1 234",
"1,5"): the form agrees with the figure the reader sees.

Keep both languages in step: a test checks that every key has both, with the
same fields, and that plural entries are well formed. French text gets its
typography (:func:`kpilib.story.typography.typeset`) here, when a template is
filled: the space before ``: ; ! ?``, « », and before ``%``, and the elision
of "de" before a value starting with a vowel ("la cohorte d’octobre 2025").
"""

from __future__ import annotations

import functools
import string
from decimal import Decimal, InvalidOperation
from numbers import Number
from typing import Any

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from kpilib.errors import ParameterError
from kpilib.story.glossary import DEFINITIONS
from kpilib.story.labels import CATEGORIES, METRICS, STAGES
from kpilib.story.sentences import SENTENCES
from kpilib.story.titles import TITLES
from kpilib.story.typography import elide, typeset

__all__ = [
    "PHRASES",
    "METRICS",
    "STAGES",
    "CATEGORIES",
    "DEFINITIONS",
    "phrase",
    "fill",
    "fields",
    "templates",
    "plural_category",
]

# the catalogue: every phrase key, sentences and chart texts; modules with
# their own keys add them below with PHRASES.update(...)
PHRASES: dict[str, dict[str, Any]] = {**SENTENCES, **TITLES}


def fields(template: str) -> set[str]:
    """Names of the fields in a template.

    Examples
    --------
    >>> sorted(fields("{a} and {b}"))
    ['a', 'b']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def templates(entry: dict[str, Any], lang: str) -> dict[str, str]:
    """The templates of *entry* in *lang*, by plural form (``"other"`` alone when it has one).

    Examples
    --------
    >>> templates(PHRASES["tile.months"], "en")
    {'one': '{n} month', 'other': '{n} months'}
    >>> templates(PHRASES["tile.months"], "fr")
    {'other': '{n} mois'}
    """
    text = entry[lang]
    return dict(text) if isinstance(text, dict) else {"other": text}


def plural_category(count: Any, lang: str) -> str:
    """The CLDR plural category of *count* in *lang*: ``"one"`` or ``"other"`` (or ``"many"``).

    *count* is a number or a number as :class:`~kpilib.story.format.Formatter`
    writes it in *lang* (``"1 234"``, ``"1,5"``), so the form agrees with the
    figure the reader sees.

    Examples
    --------
    >>> [plural_category(n, "en") for n in (0, 1, 2)]
    ['other', 'one', 'other']
    >>> [plural_category(n, "fr") for n in (0, 1, 2, "1,5")]
    ['one', 'one', 'other', 'one']
    """
    return Locale.parse(lang).plural_form(_number(count, lang))


def _number(count: Any, lang: str) -> Decimal:
    number = None
    if isinstance(count, Number) and not isinstance(count, bool):
        number = Decimal(str(count))
    elif isinstance(count, str):
        text = "".join(c for c in count if not c.isspace()).replace(get_group_symbol(lang), "")
        text = text.replace(get_decimal_symbol(lang), ".").replace("\u2212", "-").lstrip("+")
        try:
            number = Decimal(text)
        except InvalidOperation:
            pass
    if number is not None and number.is_finite():
        return number
    raise ParameterError(
        f"{count!r} is not a count: give the count field a number, or a number as "
        "Formatter.number writes it."
    )


@functools.lru_cache(maxsize=2048)
def _typeset(template: str, lang: str) -> str:
    return typeset(template, lang)


def fill(entry: dict[str, Any], lang: str, **values: object) -> str:
    """Fill one catalogue *entry* in *lang*: its plural form chosen, its typography applied.

    :func:`phrase` does this for the entries of :data:`PHRASES`; a module with
    its own catalogue of the same shape calls it directly.

    Examples
    --------
    >>> entry = {"count": "n", "en": {"one": "{n} day", "other": "{n} days"}, "fr": "{n} j"}
    >>> fill(entry, "en", n=1), fill(entry, "en", n=0), fill(entry, "fr", n=2)
    ('1 day', '0 days', '2 j')
    """
    forms = templates(entry, lang)
    if len(forms) > 1:
        name = entry["count"]
        if name not in values:
            raise ParameterError(f"the count field {{{name}}} is missing: pass {name}=.")
        count = values[name]
        exact = f"={_number(count, lang).normalize():f}"
        form = exact if exact in forms else plural_category(count, lang)
        template = forms.get(form, forms["other"])
    else:
        template = forms["other"]
    return elide(_typeset(template, lang), values, lang).format(**values)


def phrase(key: str, lang: str, **values: object) -> str:
    """The sentence *key* in *lang* with *values* filled in.

    A plural entry takes the form its count field asks for (see the module
    docstring); French text gets its no-break spaces.

    Examples
    --------
    >>> phrase("tile.months", "fr", n="3")
    '3 mois'
    >>> phrase("tile.months", "en", n="1"), phrase("tile.months", "en", n="12")
    ('1 month', '12 months')
    >>> phrase("chart.ltv", "fr", above=1, n=6, min="3,0:1", months=12)
    '1 canal sur 6 dépasse 3,0:1 après 12 mois'
    """
    return fill(PHRASES[key], lang, **values)


from kpilib.story.phrases_acq import PHRASES_ACQ  # noqa: E402
from kpilib.story.phrases_coach import PHRASES_COACH  # noqa: E402
from kpilib.story.phrases_forecast import PHRASES_FORECAST  # noqa: E402
from kpilib.story.phrases_funnel import PHRASES_FUNNEL  # noqa: E402
from kpilib.story.phrases_model import PHRASES_MODEL  # noqa: E402
from kpilib.story.phrases_retention import PHRASES_RETENTION  # noqa: E402

PHRASES.update(PHRASES_MODEL)
PHRASES.update(PHRASES_FUNNEL)
PHRASES.update(PHRASES_ACQ)
PHRASES.update(PHRASES_RETENTION)
PHRASES.update(PHRASES_COACH)
PHRASES.update(PHRASES_FORECAST)
