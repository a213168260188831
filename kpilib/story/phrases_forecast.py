"""Phrases of the forecast on the objectives page (:mod:`kpilib.story.forecast`).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields.
"""

from __future__ import annotations

__all__ = ["PHRASES_FORECAST"]

_BACKTEST = {
    "en": "Over the past {months} months, each forecast on day {day}, the forecast was off by "
    "{error} of the close on average and the run rate by {error_rr}",
    "fr": "Sur les {months} derniers mois, chaque prévision faite le {day}, la prévision s’est "
    "écartée de la clôture de {error} en moyenne et le rythme actuel de {error_rr}",
}
_RANGE = {
    "en": "The forecast's 80% range held the close in {covered} of {months} months; it came within 5% of "
    "the close in {within}.",
    "fr": "La fourchette à 80 % de la prévision a contenu la clôture {covered} mois sur "
    "{months} ; la prévision est tombée à moins de 5 % de la clôture {within} fois.",
}

PHRASES_FORECAST: dict[str, dict[str, str]] = {
    "sec.obj.forecast": {"en": "Forecast of the close", "fr": "Prévision de la clôture"},
    "fc.line": {
        "en": "{Metric}: {actual} so far; the pipeline forecast puts the close at {expected} "
        "(80% range {low} to {high}), the run rate at {run_rate}.",
        "fr": "{Metric} : {actual} à ce jour ; la prévision par le pipeline situe la clôture à "
        "{expected} (fourchette à 80 % de {low} à {high}), le rythme actuel à {run_rate}.",
    },
    "fc.trust.forecast": {
        "en": _BACKTEST["en"] + ": the forecast has been the better guide. " + _RANGE["en"],
        "fr": _BACKTEST["fr"] + " : la prévision a été le meilleur guide. " + _RANGE["fr"],
    },
    "fc.trust.run_rate": {
        "en": _BACKTEST["en"] + ": the run rate has been the better guide. " + _RANGE["en"],
        "fr": _BACKTEST["fr"] + " : le rythme actuel a été le meilleur guide. " + _RANGE["fr"],
    },
    "fc.trust.even": {
        "en": _BACKTEST["en"] + ": the two have done about as well. " + _RANGE["en"],
        "fr": _BACKTEST["fr"] + " : les deux se valent. " + _RANGE["fr"],
    },
    "fc.untested": {
        "en": "Only {months} past months can be backtested: which of the two to trust is not "
        "known yet.",
        "fr": "Seuls {months} mois passés peuvent servir de test : on ne sait pas encore "
        "lequel des deux croire.",
    },
    "fc.closed": {
        "en": "{Month} is closed: no forecast, its actuals are final.",
        "fr": "{Month} est clos : pas de prévision, ses réalisés sont définitifs.",
    },
    "fc.future": {
        "en": "{Month} has not started: no forecast before its first day.",
        "fr": "{Month} n’a pas commencé : pas de prévision avant son premier jour.",
    },
    "fc.no_sales": {
        "en": "The leads have no sale dates (sale_at): no forecast of the close.",
        "fr": "Les leads n’ont pas de date de vente (sale_at) : pas de prévision de la clôture.",
    },
    "fc.no_history": {
        "en": "No month before {month} to learn from: no forecast of its close.",
        "fr": "Aucun mois avant {month} dont apprendre : pas de prévision de sa clôture.",
    },
}
