"""Locale-aware formatting of numbers, money, rates and dates (Babel).

Every figure shown in narrative or on a chart goes through a :class:`Formatter`:
values stay raw in the KPI frames and are formatted only here, with the
patterns of the locale's CLDR data (grouping, decimal sign, currency position),
and French's narrow no-break space between a number and ``%`` or its currency.
Codes found in the data (channels, stages, metrics, cost categories) are shown
through :meth:`Formatter.label`, with the dataset's ``[labels]`` overrides.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

from kpilib.errors import ParameterError
from kpilib.story.labels import Kind, display_label

__all__ = ["Formatter", "formatter", "LANGUAGES"]

LANGUAGES = ("en", "fr")
_DEFAULT_LOCALE = {"en": "en_GB", "fr": "fr_FR"}
DASH = "–"
_NNBSP = "\u202f"


def _with_digits(pattern: str, digits: int) -> str:
    """A CLDR number pattern with exactly *digits* fraction digits."""
    core = pattern.split(";")[0]
    head, _, tail = core.partition("0")
    # integer part "#,##0", fraction ".00" if any, then suffix
    rest = tail.lstrip("0")
    if rest.startswith("."):
        rest = rest[1:].lstrip("0#")
    body = "0" + ("." + "0" * digits if digits else "")
    return head + body + rest


@dataclass(frozen=True)
class Formatter:
    """Formats values and shows codes for one language, locale and currency.

    *locale* defaults to the language's usual one (``en_GB``, ``fr_FR``);
    *labels* renames codes (a dataset's ``[labels]`` for this language, see
    :meth:`label`). :func:`formatter` makes the one of a dataset's settings.

    Examples
    --------
    >>> f = Formatter(lang="en", locale="en_IE", currency="EUR")
    >>> f.money(2554.41), f.percent(0.873), f.number(1234.6), f.month("2026-10")
    ('€2,554', '87%', '1,235', 'October 2026')
    >>> g = Formatter(lang="fr")
    >>> g.locale, g.money(2554.41).replace("\\u202f", " ")
    ('fr_FR', '2 554 €')
    >>> g.percent(0.873, 1).replace("\\u202f", " ")
    '87,3 %'
    """

    lang: Literal["en", "fr"] = "en"
    locale: str = ""
    currency: str = "EUR"
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ParameterError(
                f"lang = {self.lang!r} is not supported. Accepted languages: en, fr."
            )
        if not self.locale:
            object.__setattr__(self, "locale", _DEFAULT_LOCALE[self.lang])

    def label(self, code: Any, kind: Kind | None = None) -> str:
        """The display label of a code found in the data, in this language.

        *kind* is ``"channel"`` (the default: sources and channels), ``"metric"``,
        ``"stage"`` or ``"category"``. The dataset's ``[labels]`` come first, then
        the kit's translations (:mod:`kpilib.story.labels`), then the code made
        readable; a missing code shows as a dash.

        Examples
        --------
        >>> Formatter(lang="fr").label("paid_search"), Formatter().label("leads_referral")
        ('Recherche payante', 'Leads referral')
        >>> Formatter(lang="fr").label("new_customers", "metric")
        'nouveaux clients'
        >>> Formatter(labels={"paid_search": "Google Ads"}).label("paid_search")
        'Google Ads'
        """
        return display_label(code, self.lang, kind, self.labels)

    def _spaced(self, text: str) -> str:
        # French: a narrow no-break space before % and the currency (CLDR gives a full one)
        return text.replace("\xa0", _NNBSP) if self.lang == "fr" else text

    @property
    def _loc(self) -> Locale:
        return Locale.parse(self.locale)

    def number(self, value: Any, digits: int = 0) -> str:
        """A count or measure: ``1,235``; missing values give a dash."""
        if _missing(value):
            return DASH
        pattern = _with_digits(self._loc.decimal_formats[None].pattern, digits)
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: Any, digits: int = 0) -> str:
        """A fraction as a percentage: 0.873 → ``87%`` (``87 %`` in French)."""
        if _missing(value):
            return DASH
        pattern = _with_digits(self._loc.percent_formats[None].pattern, digits)
        return self._spaced(format_percent(value, format=pattern, locale=self.locale))

    def change(self, value: Any, digits: int = 0) -> str:
        """A relative change with its sign: 0.18 → ``+18%``."""
        if _missing(value):
            return DASH
        text = self.percent(abs(value), digits)
        return ("+" if value >= 0 else "−") + text

    def points(self, value: Any, digits: int = 1) -> str:
        """A change of a rate in percentage points: 0.031 → ``+3.1 pts``."""
        if _missing(value):
            return DASH
        sign = "+" if value >= 0 else "−"
        return self._spaced(f"{sign}{self.number(abs(value) * 100, digits)}\u00a0pts")

    def money(self, value: Any, digits: int = 0) -> str:
        """An amount in the dataset's currency: ``€2,554``."""
        if _missing(value):
            return DASH
        pattern = _with_digits(self._loc.currency_formats["standard"].pattern, digits)
        return self._spaced(
            format_currency(
                value, self.currency, format=pattern, locale=self.locale, currency_digits=False
            )
        )

    def money_short(self, value: Any) -> str:
        """A compact amount for chart axes: ``€250k``."""
        if _missing(value):
            return DASH
        if abs(value) < 1000:
            return self.money(value)
        return self._spaced(
            format_compact_currency(value, self.currency, locale=self.locale, fraction_digits=1)
            .replace(".0", "")
            .replace(",0", "")
        )

    def ratio(self, value: Any, digits: int = 1) -> str:
        """A ratio such as LTV:CAC: 3.24 → ``3.2:1``."""
        if _missing(value):
            return DASH
        return f"{self.number(value, digits)}:1"

    def date(self, value: Any) -> str:
        """A day: ``31 October 2026`` (``31 octobre 2026``; the first of the month is
        ``1er octobre 2026``, as French writes it).

        Examples
        --------
        >>> Formatter(lang="fr").date("2026-10-01"), Formatter().date("2026-10-01")
        ('1er octobre 2026', '1 October 2026')
        """
        if _missing(value):
            return DASH
        day = pd.Timestamp(value).date()
        text = format_date(day, "long", locale=self.locale)
        if self.lang == "fr" and day.day == 1 and text.startswith("1 "):
            text = "1er" + text[1:]
        return text

    def month(self, period: str) -> str:
        """A month label "2026-10" as ``October 2026`` (``octobre 2026``)."""
        return format_skeleton("yMMMM", _month_day(period), locale=self.locale)

    def month_short(self, period: str) -> str:
        """A month label "2026-10" for chart ticks: ``Oct 26`` (``oct. 26``).

        Examples
        --------
        >>> Formatter(lang="fr", locale="fr_FR").month_short("2026-10")
        'oct. 26'
        """
        return format_date(_month_day(period), "MMM yy", locale=self.locale)

    @property
    def currency_symbol(self) -> str:
        """The currency's symbol in the locale: ``€``."""
        return self._loc.currency_symbols.get(self.currency, self.currency)


def _month_day(period: str) -> dt.date:
    year, month = str(period)[:7].split("-")
    return dt.date(int(year), int(month), 1)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def formatter(settings: Any, lang: str | None = None) -> Formatter:
    """The :class:`Formatter` of a dataset's settings, in *lang* (default its language).

    The settings' locale is used when its language is *lang*; otherwise the
    language's usual locale (``fr_FR``, ``en_GB``). The settings' ``[labels]``
    for *lang* rename codes (:meth:`Formatter.label`).

    Examples
    --------
    >>> from kpilib.data.settings import Settings
    >>> formatter(Settings(locale="en_IE"), "fr").locale
    'fr_FR'
    >>> formatter(Settings(labels={"fr": {"events": "Salons"}}), "fr").label("events")
    'Salons'
    """
    lang = lang or getattr(settings, "language", "en")
    if lang not in LANGUAGES:
        raise ParameterError(f"lang = {lang!r} is not supported. Accepted languages: en, fr.")
    locale = getattr(settings, "locale", _DEFAULT_LOCALE[lang])
    try:
        if Locale.parse(locale).language != lang:
            locale = _DEFAULT_LOCALE[lang]
    except (UnknownLocaleError, ValueError):
        locale = _DEFAULT_LOCALE[lang]
    labels = getattr(settings, "labels", None) or {}
    return Formatter(
        lang=lang,
        locale=locale,
        currency=getattr(settings, "currency", "EUR"),
        labels=labels.get(lang, {}),
    )
