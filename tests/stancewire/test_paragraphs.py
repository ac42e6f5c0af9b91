from hypothesis import given, settings
from hypothesis import strategies as st

from stancewire.paragraphs import detect_title, paragraphs_from_list, split_paragraphs, text_view

ARTICLE = (
    "Vertice a Bruxelles, intesa sul bilancio\n"
    "di: Redazione Esteri\n"
    "\n"
    "I ministri hanno chiuso l'accordo dopo una notte di trattative.\n"
    "Vertice a Bruxelles, intesa sul bilancio\n"
    "Il testo passa ora al Parlamento, che voterà a marzo.\n"
    "Le reazioni dei governi\n"
    "Roma si dice soddisfatta; Budapest no.\n"
)


def test_headings_title_and_byline() -> None:
    paras = split_paragraphs(ARTICLE)
    assert [p.text for p in paras] == [
        "I ministri hanno chiuso l'accordo dopo una notte di trattative.",
        "Il testo passa ora al Parlamento, che voterà a marzo.",
        "Roma si dice soddisfatta; Budapest no.",
    ]
    assert paras[0].heading is None  # the title and byline are not headings
    assert paras[1].heading is None  # the repeated title line is dropped
    assert paras[2].heading == "Le reazioni dei governi"
    assert detect_title(ARTICLE) == "Vertice a Bruxelles, intesa sul bilancio"


def test_offsets_index_the_submitted_text() -> None:
    for p in split_paragraphs(ARTICLE):
        assert ARTICLE[p.start : p.end] == p.text


def test_blank_lines_and_hard_wrapped_lines() -> None:
    text = "The first paragraph is wrapped\nat a fixed width and goes on\nhere.\n\nA second one.\n"
    paras = split_paragraphs(text)
    assert len(paras) == 2
    assert paras[0].text == "The first paragraph is wrapped at a fixed width and goes on here."


def test_windows_line_endings() -> None:
    text = "One paragraph here.\r\n\r\nAnother paragraph there.\r\n"
    paras = split_paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == ["One paragraph here.", "Another paragraph there."]


def test_html_tags_and_entities_keep_offsets() -> None:
    text = "<p>Paris &amp; Berlin agree.</p><p>London waits&hellip; for now.</p>"
    paras = split_paragraphs(text)
    assert len(paras) == 2
    assert paras[0].text.split() == ["Paris", "&", "Berlin", "agree."]
    assert text[paras[1].start : paras[1].end].startswith("London waits")
    assert len(text_view(text)) == len(text)


def test_single_short_line_is_still_a_paragraph() -> None:
    assert [p.text for p in split_paragraphs("Trump meets Erdogan")] == ["Trump meets Erdogan"]


def test_explicit_paragraphs_are_taken_as_sent() -> None:
    text, paras = paragraphs_from_list(["Ok.", "Ankara mediates", "x"])
    assert [p.text for p in paras] == ["Ok.", "Ankara mediates", "x"]
    assert all(text[p.start : p.end] == p.text for p in paras)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_any_text_gives_valid_offsets(text: str) -> None:
    view = text_view(text)
    assert len(view) == len(text)
    for p in split_paragraphs(text):
        assert 0 <= p.start < p.end <= len(text)
        assert p.text == view[p.start : p.end].replace("\n", " ")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=50), min_size=1, max_size=8))
def test_explicit_paragraph_offsets(items: list[str]) -> None:
    text, paras = paragraphs_from_list(items)
    assert [text[p.start : p.end] for p in paras] == items
