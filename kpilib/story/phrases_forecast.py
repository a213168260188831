"""Phrases of the forecast on the objectives page (:mod:`kpilib.story.forecast`).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PHRASES_FORECAST"]

_BACKTEST = {
    "en": "Backtested on the past {months} months from day {day}, the forecast was off by "
    "{error} of the close on average, the run rate by {error_rr}",
    "fr": "Testée sur les {months} derniers mois à partir du {day}, la prévision s’est écartée "
    "de la clôture de {error} en moyenne, le rythme actuel de {error_rr}",
}
_RANGE = {
    "en": "The forecast's range held the close in {covered} of {months} months, within 5% in "
    "{within}.",
    "fr": "La fourchette de la prévision a contenu la clôture {covered} mois sur {months}, à "
    "moins de 5 % près {within} fois.",
}

PHRASES_FORECAST: dict[str, dict[str, Any]] = {
    "sec.obj.forecast": {"en": "Forecast of the close", "fr": "Prévision de la clôture"},
    "fc.line": {
        "en": "{Metric}: {actual} so far; the forecast (the pipeline's, blended with the run "
        "rate) puts the close at {expected} (80% range {low} to {high}), the run rate alone at "
        "{run_rate}.",
        "fr": "{Metric} : {actual} à ce jour ; la prévision (celle du pipeline, mêlée au rythme "
        "actuel) situe la clôture à {expected} (fourchette à 80 % de {low} à {high}), le rythme "
        "actuel seul à {run_rate}.",
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
        "count": "months",
        "en": {
            "=0": "No past month can be backtested yet: which of the two to trust is not known.",
            "one": "Only {months} past month can be backtested: which of the two to trust is not "
            "known yet.",
            "other": "Only {months} past months can be backtested: which of the two to trust is "
            "not known yet.",
        },
        "fr": {
            "=0": "Aucun mois passé ne peut encore servir de test : on ne sait pas lequel des "
            "deux croire.",
            "one": "Seul {months} mois passé peut servir de test : on ne sait pas encore lequel "
            "des deux croire.",
            "other": "Seuls {months} mois passés peuvent servir de test : on ne sait pas encore "
            "lequel des deux croire.",
        },
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
