"""The phrase catalogue: plural forms by Babel's rules, French typography, well-formed entries."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kpilib.errors import ParameterError
from kpilib.story.format import Formatter
from kpilib.story.notes import definitions
from kpilib.story.phrases import PHRASES, fields, fill, phrase, plural_category, templates
from kpilib.story.typography import typeset

# two entries of the catalogue's shape, to exercise its mechanics apart from its contents
LTV_COUNT = {
    "count": "n",
    "en": {
        "=0": "no channel is",
        "one": "{n} of {total} channels is",
        "other": "{n} of {total} channels are",
    },
    "fr": {
        "=0": "aucun canal n’est",
        "one": "{n} canal sur {total} est",
        "other": "{n} canaux sur {total} sont",
    },
}
PB_FIRST = {
    "en": "The {cohort} cohort covered its CAC of {cac} within its first month.",
    "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} dès son premier mois.",
}

NB = "\u00a0"  # no-break space: before a colon
NN = "\u202f"  # narrow no-break space: before ; ! ? %, inside « », French thousands
CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def test_every_entry_has_both_languages_with_the_same_fields_in_every_form():
    for key, entry in PHRASES.items():
        assert set(entry) - {"count"} == {"en", "fr"}, key
        names = []
        for lang in ("en", "fr"):
            forms = templates(entry, lang)
            assert "other" in forms, key
            assert all(f in CATEGORIES or f.startswith("=") for f in forms), key
            cldr = [t for f, t in forms.items() if not f.startswith("=")]
            lang_fields = {f.lower() for f in fields(cldr[0])}
            assert all({f.lower() for f in fields(t)} == lang_fields for t in cldr), key
            names.append(lang_fields)
            if len(forms) > 1:
                # a plural entry declares its count, and every form shows the number
                assert entry["count"] in fields(forms["other"]), key
        assert names[0] == names[1], key
        if "count" in entry:
            assert entry["count"] in names[0], key


def test_plural_forms_follow_babel_rules_in_english_and_french():
    # English: 1 is singular, 0 and 2 are plural; French: 0 and 1 are singular
    got = {
        lang: [phrase("chart.ltv", lang, above=k, n=6, min="3.0:1", months=12) for k in (0, 1, 2)]
        for lang in ("en", "fr")
    }
    assert got["en"] == [
        "0 of 6 channels clear 3.0:1 after 12 months",
        "1 of 6 channels clears 3.0:1 after 12 months",
        "2 of 6 channels clear 3.0:1 after 12 months",
    ]
    assert got["fr"] == [
        "0 canal sur 6 dépasse 3.0:1 après 12 mois",
        "1 canal sur 6 dépasse 3.0:1 après 12 mois",
        "2 canaux sur 6 dépassent 3.0:1 après 12 mois",
    ]


def test_months_agree_with_the_number_shown():
    assert [phrase("tile.months", "en", n=n) for n in ("0", "1", "2")] == [
        "0 months",
        "1 month",
        "2 months",
    ]
    # the same word for every count in French
    assert [phrase("tile.months", "fr", n=n) for n in ("0", "1", "2")] == [
        "0 mois",
        "1 mois",
        "2 mois",
    ]


def test_counts_written_by_the_formatter_are_read_in_their_language():
    # "1,5" is one and a half in French (singular: i = 1), "1,500" fifteen hundred in English
    assert plural_category("1,5", "fr") == "one"
    assert plural_category("1,500", "en") == "other"
    assert plural_category(f"1{NN}234", "fr") == "other"
    assert plural_category(np.int64(1), "en") == "one"
    assert plural_category(1.0, "en") == "other"  # "1.0 months": a visible decimal is plural


def test_an_exact_form_wins_over_the_category():
    assert fill(LTV_COUNT, "en", n=0, total=6) == "no channel is"
    assert fill(LTV_COUNT, "fr", n=0, total=6) == "aucun canal n’est"
    assert fill(LTV_COUNT, "fr", n=1, total=6) == "1 canal sur 6 est"
    assert fill(LTV_COUNT, "fr", n=2, total=6) == "2 canaux sur 6 sont"
    assert fill(LTV_COUNT, "en", n=1, total=6) == "1 of 6 channels is"


def test_french_sales_sentence_counts_customers():
    assert phrase("acq.cac", "fr", cac="900 €", month="octobre 2026", cost="900 €", n="1") == (
        f"Le CAC global s’établit à 900 € en octobre 2026{NB}: 900 € dépensés pour 1 nouveau client."
    )
    assert phrase("acq.cac", "en", cac="€450", month="October 2026", cost="€900", n="2") == (
        "Blended CAC was €450 in October 2026: €900 spent for 2 new customers."
    )


def test_french_typography_before_colon_and_question_mark():
    assert phrase("sec.obj.realism", "fr") == f"Les objectifs sont-ils réalistes{NN}?"
    assert phrase("sec.obj.realism", "en") == "Are the targets realistic?"
    assert phrase("chart.empty", "fr", why="aucune donnée de coût") == (
        f"Rien à montrer{NB}: aucune donnée de coût"
    )
    assert phrase("defs.line", "fr", name="Atteinte", text="réalisé ÷ objectif") == (
        f"Atteinte{NB}: réalisé ÷ objectif"
    )
    assert phrase("defs.line", "en", name="Attainment", text="actual ÷ target") == (
        "Attainment: actual ÷ target"
    )


def test_typography_leaves_numbers_times_ratios_and_addresses_alone():
    text = "LTV:CAC 3,2:1 à 14:05 sur https://exemple.fr/a?b=1%20c ; 95 % « oui »"
    assert typeset(text, "fr") == (
        f"LTV:CAC 3,2:1 à 14:05 sur https://exemple.fr/a?b=1%20c{NN}; 95{NN}% «{NN}oui{NN}»"
    )
    # typesetting twice changes nothing; English is never touched
    assert typeset(typeset(text, "fr"), "fr") == typeset(text, "fr")
    assert typeset("Attainment: done?", "en") == "Attainment: done?"


def test_values_are_not_typeset_only_templates():
    # a source named "A:B?" keeps its spelling inside a French sentence
    assert phrase("chart.empty", "fr", why="A:B?") == f"Rien à montrer{NB}: A:B?"


def test_a_missing_count_is_an_error():
    with pytest.raises(
        ParameterError, match=r"^the count field \{above\} is missing: pass above=\.$"
    ):
        phrase("chart.ltv", "en", n=6, min="3.0:1", months=12)


def test_a_count_that_is_not_a_number_is_an_error():
    with pytest.raises(
        ParameterError,
        match=r"^'six' is not a count: give the count field a number, or a number as "
        r"Formatter\.number writes it\.$",
    ):
        phrase("chart.ltv", "en", above="six", n=6, min="3.0:1", months=12)
    with pytest.raises(ParameterError, match=r"^nan is not a count: "):
        plural_category(float("nan"), "en")


def test_fill_serves_other_catalogues_of_the_same_shape():
    entry = {"count": "n", "en": {"one": "{n} day", "other": "{n} days"}, "fr": "{n} jours ?"}
    assert fill(entry, "en", n=1) == "1 day"
    assert fill(entry, "fr", n=3) == f"3 jours{NN}?"


def test_french_elides_de_before_a_month_starting_with_a_vowel():
    assert fill(PB_FIRST, "fr", cohort="octobre 2025", cac=f"2{NN}554{NB}€") == (
        f"La cohorte d’octobre 2025 a récupéré son CAC de 2{NN}554{NB}€ dès son premier mois."
    )
    assert fill(PB_FIRST, "fr", cohort="juillet 2025", cac="900 €") == (
        "La cohorte de juillet 2025 a récupéré son CAC de 900 € dès son premier mois."
    )
    # a name inside a value is never changed
    assert phrase("chart.empty", "fr", why="Maria de Almeida") == (
        f"Rien à montrer{NB}: Maria de Almeida"
    )
    # templates are written elided: only a filled-in value can need it
    for key, entry in PHRASES.items():
        for template in templates(entry, "fr").values():
            assert re.search(r"\b[Dd]e [aeiouyàâéèêîïôœ]", template, re.I) is None, key


def test_the_glossary_has_french_spacing():
    lines = definitions(Formatter(lang="fr")).sentences
    assert lines[0] == f"Atteinte{NB}: réalisé ÷ objectif{NN}; écart = objectif − réalisé."
    assert lines[6] == (
        f"Délai de récupération du CAC{NB}: premier mois où la marge cumulée par client de la "
        "cohorte ≥ son CAC."
    )
    assert definitions(Formatter()).sentences[0] == (
        "Attainment: actual ÷ target; gap = target − actual."
    )
