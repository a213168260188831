"""A dataset's settings: ``kpi.toml``.

Every key has a default, so a dataset without ``kpi.toml`` loads. Unknown keys
and bad values are reported all at once, each with the accepted form.

The file's layout::

    company = "Acme"              # shown in the report footer
    currency = "EUR"              # ISO 4217 code
    locale = "fr_FR"              # number, date and currency formatting
    language = "fr"               # narrative language: "en" or "fr"
    fiscal_year_start = 1         # month 1-12 that starts the fiscal year
    day_first = false             # dates like 03/10/2026 are 3 October when true
    gross_margin_rate = 0.35      # margin on orders without a gross_margin amount

    [funnel]
    stages = ["lead", "visit", "offer", "sale"]   # each has a <stage>_at column
    conversion_window_days = 90   # optional, 1 to 3660; cohorts younger than it are immature

    [status]
    on_track = 0.95               # projected attainment at or above: on track
    at_risk = 0.85                # at or above (and below on_track): at risk

    [value]
    ltv_to_cac_min = 3.0          # LTV:CAC below it is flagged
    payback_max_months = 12       # payback above it is flagged
    horizon_months = 36           # horizon of projected CLV
    discount_rate = 0.10          # yearly discount rate of projected CLV

    [cac]
    allocation = "new_customers"  # how costs without a channel are shared between
                                  # channels: "new_customers", "leads" or "none"
    lag = 0                       # periods between a cost and the customers it buys, 0 to 24

    [labels]                      # how codes of the data are shown, in every language
    paid_search = "Google Ads"
    [labels.fr]                   # or in one language (en or fr), over the above
    events = "Salons"
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpilib.data.schema import STAGES
from kpilib.errors import DataError, ParameterError

__all__ = ["ALLOCATIONS", "Settings", "load_settings", "parse_settings", "replace_settings"]

_STAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Settings:
    """Settings of one dataset; see the module docstring for each key."""

    company: str = "Company"
    currency: str = "EUR"
    locale: str = "en_GB"
    language: str = "en"
    fiscal_year_start: int = 1
    day_first: bool = False
    gross_margin_rate: float = 0.3
    stages: tuple[str, ...] = STAGES
    conversion_window_days: int | None = None
    on_track: float = 0.95
    at_risk: float = 0.85
    ltv_to_cac_min: float = 3.0
    payback_max_months: int = 12
    horizon_months: int = 36
    discount_rate: float = 0.10
    cac_allocation: str = "new_customers"
    cac_lag: int = 0
    labels: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the keys kpi.toml set (as "section.key" below a section), the others being defaults
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def decimal_mark(self) -> str | None:
        """The decimal mark of a ``locale`` set in kpi.toml ("." or ","), else None.

        It settles a number column whose values read two ways (1.234).

        Examples
        --------
        >>> Settings(locale="fr_FR", given=frozenset({"locale"})).decimal_mark
        ','
        >>> Settings().decimal_mark is None
        True
        """
        return _decimal_of(self.locale) if "locale" in self.given else None

    @property
    def stage_columns(self) -> list[str]:
        """Column of each funnel stage, in order: ``lead_at``, ``visit_at``, …"""
        return [f"{s}_at" for s in self.stages]


@functools.cache
def _decimal_of(locale: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    try:
        mark = Locale.parse(locale.replace("-", "_")).number_symbols["latn"]["decimal"]
    except (UnknownLocaleError, ValueError, KeyError):
        return None
    return mark if mark in (".", ",") else None


# section -> key -> (field name, checker returning an error text or None)
def _str(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "a non-empty text"


def _currency(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v)
    return None if ok else 'a three-letter ISO 4217 code such as "EUR"'


def _language(v: Any) -> str | None:
    return None if v in ("en", "fr") else '"en" or "fr"'


def _locale(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[a-z]{2}([_-][A-Z]{2})?", v)
    return None if ok else 'a locale such as "fr_FR" or "en_GB"'


def _month(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 12
    return None if ok else "a whole month number from 1 to 12"


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "true or false"


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fraction(v: Any) -> str | None:
    ok = _number(v) and 0 <= v <= 1
    return None if ok else "a number from 0 to 1 (0.35 for 35 %)"


def _ratio(v: Any) -> str | None:
    ok = _number(v) and 0 < v <= 100
    return None if ok else "a number above 0, up to 100"


def _days(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 3660
    return None if ok else "a whole number of days from 1 to 3660 (ten years)"


def _months(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1200
    return None if ok else "a whole number of months from 0 to 1200 (a hundred years)"


ALLOCATIONS = ("new_customers", "leads", "none")


def _allocation(v: Any) -> str | None:
    return None if v in ALLOCATIONS else '"new_customers", "leads" or "none"'


def _lag(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 24
    return None if ok else "a whole number of periods from 0 to 24"


def _stages(v: Any) -> str | None:
    ok = (
        isinstance(v, list)
        and 2 <= len(v) <= 20
        and all(isinstance(s, str) and _STAGE_NAME.match(s) for s in v)
        and v[0] == "lead"
        and len(set(v)) == len(v)
    )
    return None if ok else 'a list of 2 to 20 distinct lower-case names starting with "lead"'


_SCHEMA: dict[str | None, dict[str, tuple[str, Any]]] = {
    None: {
        "company": ("company", _str),
        "currency": ("currency", _currency),
        "locale": ("locale", _locale),
        "language": ("language", _language),
        "fiscal_year_start": ("fiscal_year_start", _month),
        "day_first": ("day_first", _bool),
        "gross_margin_rate": ("gross_margin_rate", _fraction),
    },
    "funnel": {
        "stages": ("stages", _stages),
        "conversion_window_days": ("conversion_window_days", _days),
    },
    "status": {
        "on_track": ("on_track", _fraction),
        "at_risk": ("at_risk", _fraction),
    },
    "value": {
        "ltv_to_cac_min": ("ltv_to_cac_min", _ratio),
        "payback_max_months": ("payback_max_months", _months),
        "horizon_months": ("horizon_months", _months),
        "discount_rate": ("discount_rate", _fraction),
    },
    "cac": {
        "allocation": ("cac_allocation", _allocation),
        "lag": ("cac_lag", _lag),
    },
}


_LANGUAGES = ("en", "fr")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(code: str) -> str:
    """*code* as a TOML key: bare when it can be, else quoted."""
    return code if _BARE_KEY.match(code) else '"' + code.replace('"', '\\"') + '"'


def _label(v: Any) -> str | None:
    ok = isinstance(v, str) and v.strip() and v.isprintable()
    return None if ok else "a non-empty text on one line"


def _labels(table: Any, source: str, problems: list[str]) -> dict[str, dict[str, str]]:
    """``[labels]`` as the labels of each language: the common ones, then the language's own."""
    if not isinstance(table, dict):
        problems.append(
            f"{source}: labels = {table!r} is invalid; expected a table such as "
            '[labels] paid_search = "Google Ads".'
        )
        return {}
    common: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {lang: {} for lang in _LANGUAGES}
    for code, v in table.items():
        if isinstance(v, dict) and code in own:
            items, into, where = list(v.items()), own[code], f"labels.{code}."
        elif isinstance(v, dict):
            problems.append(
                f"{source}: [labels.{_key(code)}] is not a language; only [labels.en] and "
                f'[labels.fr] are. To rename the code {code!r}, write {_key(code)} = "Label" '
                "under [labels]."
            )
            continue
        else:
            items, into, where = [(code, v)], common, "labels."
        for sub, text in items:
            err = _label(text)
            if err:
                problems.append(
                    f"{source}: {where}{_key(sub)} = {text!r} is invalid; expected {err}."
                )
            else:
                into[sub] = text.strip()
    return {lang: {**common, **own[lang]} for lang in _LANGUAGES}


def parse_settings(data: dict[str, Any], *, source: str = "kpi.toml") -> Settings:
    """Build :class:`Settings` from a parsed TOML mapping, checking every key.

    Examples
    --------
    >>> parse_settings({"currency": "USD", "status": {"on_track": 0.9}}).on_track
    0.9
    """
    values: dict[str, Any] = {}
    given: set[str] = set()
    problems: list[str] = []
    for key, value in data.items():
        if key == "labels":
            values["labels"] = _labels(value, source, problems)
            continue
        if key in _SCHEMA and key is not None and isinstance(value, dict):
            section, items = key, value
        elif key in _SCHEMA[None]:
            section, items = None, {key: value}
        else:
            known = sorted([*(k for k in _SCHEMA if k), "labels"]) + sorted(_SCHEMA[None])
            problems.append(
                f"{source}: unknown key {key!r}. Accepted keys: {', '.join(known)}; "
                "check the spelling or remove it."
            )
            continue
        for sub, v in items.items():
            where = f"{section}.{sub}" if section else sub
            if sub not in _SCHEMA[section]:
                problems.append(
                    f"{source}: unknown key {where!r}. Accepted in "
                    f"[{section}]: {', '.join(sorted(_SCHEMA[section]))}."
                )
                continue
            name, check = _SCHEMA[section][sub]
            err = check(v)
            if err:
                problems.append(f"{source}: {where} = {v!r} is invalid; expected {err}.")
            else:
                values[name] = tuple(v) if name == "stages" else v
                given.add(where)
    if "on_track" in values or "at_risk" in values:
        on, risk = (
            values.get("on_track", Settings.on_track),
            values.get("at_risk", Settings.at_risk),
        )
        if risk > on:
            problems.append(
                f"{source}: status.at_risk ({risk}) is above status.on_track ({on}); "
                "at_risk must be the lower threshold."
            )
    if problems:
        raise DataError("\n".join(problems), problems)
    if "language" not in values and "locale" in values:
        values["language"] = "fr" if values["locale"].startswith("fr") else "en"
    return Settings(**values, given=frozenset(given))


def load_settings(path: str | Path) -> Settings:
    """Read ``kpi.toml`` at *path*; a missing file gives the defaults."""
    path = Path(path)
    if not (path.exists() or path.is_symlink()):
        return Settings()
    from kpilib.data.text import decode, read_bytes

    text, _, _ = decode(read_bytes(path), path.name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(
            f"{path.name}: not valid TOML ({exc}). Fix the syntax; see docs/data-model.md."
        ) from exc
    return parse_settings(data, source=path.name)


# read while the tables are loaded: changing them afterwards would not change the tables
_LOAD_TIME = ("day_first", "gross_margin_rate", "locale", "stages")


def replace_settings(settings: Settings, **changes: Any) -> Settings:
    """*settings* with *changes* (Settings field names), each checked as kpi.toml's key.

    A change of None keeps the value. Settings read while the tables are
    loaded (day_first, gross_margin_rate, locale, stages) are refused: they
    belong in kpi.toml, read again with the folder.

    Examples
    --------
    >>> replace_settings(Settings(), cac_lag=1, cac_allocation=None).cac_lag
    1
    >>> replace_settings(Settings(), cac_lag=-1)
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: cac_lag = -1 is invalid; expected a whole number of periods from 0 to 24 (kpi.toml: cac.lag).
    """
    keys = {
        name: (f"{section}.{key}" if section else key, check)
        for section, items in _SCHEMA.items()
        for key, (name, check) in items.items()
    }
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, v in changes.items():
        if v is None:
            continue
        if name in _LOAD_TIME:
            problems.append(
                f"{name} is read when the dataset is loaded; set it in kpi.toml and load the "
                "folder again."
            )
        elif name not in keys:
            accepted = ", ".join(sorted(k for k in keys if k not in _LOAD_TIME))
            problems.append(f"{name} is not a setting. Settings: {accepted}.")
        else:
            where, check = keys[name]
            err = check(v)
            if err:
                problems.append(f"{name} = {v!r} is invalid; expected {err} (kpi.toml: {where}).")
            else:
                values[name] = v
    out = dataclasses.replace(settings, **values)
    if out.at_risk > out.on_track:
        problems.append(
            f"at_risk ({out.at_risk}) is above on_track ({out.on_track}); at_risk must be the "
            "lower threshold."
        )
    if problems:
        raise ParameterError("\n".join(problems))
    return out
