import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancewire.actors import ActorMatcher, build_matcher, fold
from stancewire.catalog import Catalog, merge_actors


def ids(catalog: Catalog, lang: str, text: str) -> list[str]:
    return [m.actor_id for m in build_matcher(catalog, lang).find(text)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # library names (Babel) per language
        ("it", "La Turchia e il Regno Unito firmano.", ["TUR", "GBR"]),
        ("en", "Turkey and the United Kingdom sign.", ["TUR", "GBR"]),
        ("de", "Die Türkei und Frankreich verhandeln.", ["TUR", "FRA"]),
        # acronyms and press spellings, case-sensitive
        ("it", "Usa e Ue trattano; l'Onu osserva.", ["USA", "EU", "UN"]),
        ("en", "The US and the U.S. Treasury.", ["USA", "USA"]),
        # metonyms
        ("it", "Il Cremlino risponde alla Casa Bianca.", ["RUS", "USA"]),
        ("it", "Palazzo Chigi e la Farnesina tacciono; Parigi e Londra insistono.", ["ITA", "ITA", "FRA", "GBR"]),
        ("en", "Downing Street and the Kremlin traded barbs.", ["GBR", "RUS"]),
        ("it", "Bruxelles chiede garanzie a Pechino.", ["EU", "CHN"]),
        # demonyms in every inflection
        ("it", "Il ministro russo, la delegazione russa, i diplomatici russi e le fonti russe.", ["RUS"] * 4),
        ("it", "Le aziende statunitensi e i soldati americani.", ["USA", "USA"]),
        # compound adjectives
        ("it", "Il piano franco-britannico e i colloqui russo-americani.", ["FRA", "GBR", "RUS", "USA"]),
        ("it", "La crisi israelo-palestinese.", ["ISR", "PSE"]),
        ("it", "Un vertice sino-americano.", ["CHN", "USA"]),
        ("en", "US-Russia talks on a Franco-British plan.", ["USA", "RUS", "FRA", "GBR"]),
        # a leader's government names the country
        ("it", "L'amministrazione Trump frena.", ["USA"]),
        ("en", "The Starmer government hesitates.", ["GBR"]),
        # accents
        ("it", "Erdoğan ed Erdogan.", ["recep-tayyip-erdogan", "recep-tayyip-erdogan"]),
    ],
)
def test_alias_families(catalog: Catalog, lang: str, text: str, expected: list[str]) -> None:
    assert ids(catalog, lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "absent"),
    [
        ("en", "Tell us what you think.", "USA"),
        ("it", "Lui usa il telefono di servizio.", "USA"),
        ("it", "Il governo ha un piano.", "UN"),
        ("en", "Georgia's senate race in Atlanta tightened.", "GEO"),
        ("en", "They served roast turkey for dinner.", "TUR"),
        ("en", "Michael Jordan retired.", "JOR"),
        ("it", "I colloqui si tengono a Istanbul.", "TUR"),
        ("it", "I mali dell'economia italiana.", "MLI"),
    ],
)
def test_guards_against_false_hits(catalog: Catalog, lang: str, text: str, absent: str) -> None:
    assert absent not in ids(catalog, lang, text)


def test_context_guard_needs_the_article(catalog: Catalog) -> None:
    matcher = build_matcher(catalog, "en")
    text = "Georgia held its election."
    assert "GEO" not in [m.actor_id for m in matcher.find(text)]
    article = fold("Voters in Tbilisi queued for hours. " + text)
    assert "GEO" in [m.actor_id for m in matcher.find(text, article)]


def test_offsets_and_texts(catalog: Catalog) -> None:
    text = "Secondo Washington, il Cremlino e l'Ue sbagliano."
    for m in build_matcher(catalog, "it").find(text):
        assert text[m.start : m.end] == m.text


def test_custom_actors_are_literal(catalog: Catalog) -> None:
    custom = Catalog(actors={})
    merge_actors(
        custom,
        [
            {
                "id": "acme",
                "name": "Acme (Europe) S.p.A.",
                "type": "company",
                "aliases": ["Acme (Europe) S.p.A.", "a.*", "Acme"],
            }
        ],
    )
    matcher = build_matcher(custom, "it")
    assert [m.text for m in matcher.find("Acme (Europe) S.p.A. e Acme crescono; abc no.")] == [
        "Acme (Europe) S.p.A.",
        "Acme",
    ]
    assert matcher.find("aaaa a.* bbb")[0].text == "a.*"


def test_fold_keeps_length() -> None:
    for s in ("Erdoğan", "İstanbul", "Straße", "Ærø", "naïve café", "ǅ", "ﬁnal"):
        assert len(fold(s)) == len(s)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_matching_any_text_never_crashes(text: str) -> None:
    matcher = _shared_matcher()
    for m in matcher.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text


_CACHE: dict[str, ActorMatcher] = {}


def _shared_matcher() -> ActorMatcher:
    if "it" not in _CACHE:
        from stancewire.catalog import load_catalog
        from stancewire.config import PROJECT_ROOT

        _CACHE["it"] = build_matcher(load_catalog(PROJECT_ROOT / "seeds"), "it")
    return _CACHE["it"]
