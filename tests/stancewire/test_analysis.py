import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancewire.analysis import Analyzer, Cancelled
from stancewire.catalog import Catalog
from stancewire.config import PROJECT_ROOT
from stancewire.modelstore import ModelHolder

_ANALYZER: list[Analyzer] = []


def analyzer(catalog: Catalog) -> Analyzer:
    if not _ANALYZER:
        model, _ = ModelHolder(PROJECT_ROOT / "models").get()
        _ANALYZER.append(Analyzer(catalog, model, chunk_paragraphs=2))
    return _ANALYZER[0]


def test_result_shape_and_offsets(catalog: Catalog) -> None:
    text = "Parigi e Londra lodano il piano.\n\nWashington tace e Mosca attacca la Nato.\n\nNessun attore qui."
    progress: list[tuple[int, int]] = []
    result = analyzer(catalog).analyze({"text": text}, on_progress=lambda d, t: progress.append((d, t)))
    assert result["language"] == "it"
    assert progress == [(2, 3), (3, 3)]
    first, second, third = result["paragraphs"]
    assert [a["id"] for a in first["actors"]] == ["FRA", "GBR"]
    assert [a["id"] for a in second["actors"]] == ["USA", "RUS", "NATO"]
    assert third["actors"] == []
    for p in result["paragraphs"]:
        for a in p["actors"]:
            for m in a["mentions"]:
                assert text[m["start"] : m["end"]] == m["text"]
            s = a["stance"]
            assert s["label"] == max(s["probabilities"], key=s["probabilities"].get)
    summary = {a["id"]: a for a in result["actors"]}
    assert summary["USA"]["paragraphs"] == [1] and summary["USA"]["mentions"] == 1


def test_cancel_between_chunks(catalog: Catalog) -> None:
    calls = iter([True, False])
    with pytest.raises(Cancelled):
        text = "Roma.\n\nParigi.\n\nBerlino.\n\nMadrid."
        analyzer(catalog).analyze({"text": text}, should_continue=lambda: next(calls))


def test_custom_actors_only(catalog: Catalog) -> None:
    result = analyzer(catalog).analyze(
        {"paragraphs": ["Acme beats Globex.", "Washington watches."]},
        custom_actors=[{"id": "acme", "name": "Acme", "type": "company", "aliases": ["Acme"]}],
        use_catalog=False,
    )
    assert [[a["id"] for a in p["actors"]] for p in result["paragraphs"]] == [["acme"], []]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_no_text_crashes_the_core(text: str) -> None:
    from stancewire.catalog import load_catalog

    result = analyzer(load_catalog(PROJECT_ROOT / "seeds")).analyze({"text": text, "language": "it"})
    for p in result["paragraphs"]:
        assert 0 <= p["start"] < p["end"] <= len(text)
        for a in p["actors"]:
            assert -1 <= a["stance"]["score"] <= 1
