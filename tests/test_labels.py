"""Display labels of codes: the kit's translations, kpi.toml's [labels], the readable fallback."""

from __future__ import annotations

import numpy as np
import pytest

import kpilib
from kpilib.data.settings import Settings, load_settings, parse_settings
from kpilib.errors import DataError, ParameterError
from kpilib.story.format import Formatter, formatter
from kpilib.story.labels import CATEGORIES, CHANNELS, METRICS, STAGES

NN = "\u202f"  # narrow no-break space: French thousands, before % and €

# the sources of data/sample and benchmarks/generate.py (kpilib.sample.SOURCES), and of
# the importers (ads: paid_search, social_ads; HubSpot's French source names)
SAMPLE = ["paid_search", "social_ads", "events", "referral", "outbound", "website"]
OTHERS = ["partners", "webinar", "organic_search", "paid_social", "email_marketing"]


def test_every_label_catalogue_covers_both_languages():
    for catalogue in (CHANNELS, METRICS, STAGES, CATEGORIES):
        assert set(catalogue["en"]) == set(catalogue["fr"])


def test_channel_codes_are_translated():
    en, fr = Formatter(lang="en"), Formatter(lang="fr")
    assert [en.label(c) for c in SAMPLE] == [
        "Paid search",
        "Social ads",
        "Events",
        "Referral",
        "Outbound",
        "Website",
    ]
    assert [fr.label(c) for c in SAMPLE] == [
        "Recherche payante",
        "Publicité réseaux sociaux",
        "Événements",
        "Recommandation",
        "Prospection sortante",
        "Site web",
    ]
    assert [fr.label(c) for c in OTHERS] == [
        "Partenaires",
        "Webinaire",
        "Recherche naturelle",
        "Réseaux sociaux payants",
        "Marketing par e-mail",
    ]


def test_the_sample_sources_all_have_labels():
    from kpilib.sample import SOURCES

    assert set(SOURCES) <= set(CHANNELS["fr"])


def test_metrics_stages_and_categories_by_kind():
    fr = Formatter(lang="fr")
    assert fr.label("new_customers", "metric") == "nouveaux clients"
    assert fr.label("offer", "stage") == "offre"
    assert fr.label("bonuses", "category") == "primes"
    # "other" is a cost category ("autres") and a channel ("Autre")
    assert (fr.label("other", "category"), fr.label("other")) == ("autres", "Autre")


def test_unknown_codes_read_as_themselves():
    en, fr = Formatter(lang="en"), Formatter(lang="fr")
    assert en.label("leads_referral") == "Leads referral"
    # French never dresses an English code as a French phrase: shown as it is
    assert fr.label("leads_referral") == "leads referral"
    # a custom stage or metric is a noun inside a sentence: no capital
    assert en.label("demo_booked", "stage") == "demo booked"
    # a team or a rep has no catalogue: a team named "partners" is not translated
    assert fr.label("partners", "team") == "partners"
    assert en.label("north_east", "team") == "North east"
    assert fr.label("paid_search", "source") == "Recherche payante"
    # names from the data stay as written
    assert en.label("Chloé Lambert") == "Chloé Lambert"
    assert en.label(None) == "—"
    assert fr.label(np.nan) == "—"


def test_kpi_toml_labels_override_every_language_then_one():
    settings = parse_settings(
        {
            "labels": {
                "paid_search": "Google Ads",
                "new_customers": "new accounts",
                "fr": {"events": "Salons", "paid_search": "Google Ads (recherche)"},
            }
        }
    )
    assert settings.labels == {
        "en": {"paid_search": "Google Ads", "new_customers": "new accounts"},
        "fr": {
            "paid_search": "Google Ads (recherche)",
            "new_customers": "new accounts",
            "events": "Salons",
        },
    }
    en, fr = formatter(settings, "en"), formatter(settings, "fr")
    assert (en.label("paid_search"), en.label("events")) == ("Google Ads", "Events")
    assert (fr.label("paid_search"), fr.label("events")) == ("Google Ads (recherche)", "Salons")
    assert en.label("new_customers", "metric") == "new accounts"
    # without [labels], the kit's own
    assert formatter(Settings(), "fr").label("paid_search") == "Recherche payante"


def test_labels_read_from_a_kpi_toml_file(tmp_path):
    path = tmp_path / "kpi.toml"
    path.write_text(
        'language = "fr"\n\n[labels]\n"Paid Search" = "Google Ads"\n\n[labels.fr]\n'
        'webinar = "Webinaires clients"\n',
        encoding="utf-8",
    )
    fmt = formatter(load_settings(path))
    assert (fmt.label("Paid Search"), fmt.label("webinar")) == ("Google Ads", "Webinaires clients")


def test_labels_that_are_not_a_table():
    with pytest.raises(DataError) as err:
        parse_settings({"labels": "Google Ads"})
    assert str(err.value) == (
        "kpi.toml: labels = 'Google Ads' is invalid; expected a table such as "
        '[labels] paid_search = "Google Ads".'
    )


def test_every_bad_label_is_reported_at_once():
    with pytest.raises(DataError) as err:
        parse_settings(
            {
                "labels": {
                    "paid_search": 3,
                    "Paid Search": " ",
                    "de": {"events": "Messen"},
                    "fr": {"events": "Salons\net foires"},
                }
            },
            source="kpi.toml",
        )
    assert err.value.problems == [
        "kpi.toml: labels.paid_search = 3 is invalid; expected a non-empty text on one line.",
        "kpi.toml: labels.\"Paid Search\" = ' ' is invalid; expected a non-empty text on one line.",
        "kpi.toml: [labels.de] is not a language; only [labels.en] and [labels.fr] are. To "
        "rename the code 'de', write de = \"Label\" under [labels].",
        "kpi.toml: labels.fr.events = 'Salons\\net foires' is invalid; expected a non-empty text "
        "on one line.",
    ]


def test_french_formatter_formats_the_french_way():
    fr = Formatter(lang="fr")
    assert fr.locale == "fr_FR"
    # 2,226 / 2,450 in English; French groups thousands with a narrow no-break space
    assert f"{fr.number(2226)} / {fr.number(2450)}" == f"2{NN}226 / 2{NN}450"
    assert fr.money(1199540) == f"1{NN}199{NN}540{NN}€"
    assert fr.percent(0.873, 1) == f"87,3{NN}%"
    assert fr.change(-0.18) == f"−18{NN}%"
    assert Formatter(lang="en").money(1199540) == "€1,199,540"


def test_formatter_refuses_an_unknown_language():
    with pytest.raises(
        ParameterError, match=r"^lang = 'de' is not supported\. Accepted languages: en, fr\.$"
    ):
        Formatter(lang="de")


def test_formatter_is_public():
    assert kpilib.Formatter is Formatter
    assert "Formatter" in kpilib.__all__
