"""Property tests: no JSON body, however odd, makes the validator do anything but accept or 4xx."""

from hypothesis import given, settings
from hypothesis import strategies as st

from service.errors import ApiError
from service.validation import parse_submission
from stancewire.config import Settings

SETTINGS = Settings.load(environ={})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
keys = st.sampled_from(["text", "paragraphs", "title", "language", "id", "actors", "articles", "use_catalog", "x"])
bodies = st.dictionaries(keys, json_values, max_size=5)


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, bodies))
def test_any_body_is_accepted_or_rejected_cleanly(body: object) -> None:
    try:
        sub = parse_submission(body, SETTINGS)
    except ApiError as exc:
        assert 400 <= exc.status < 500 and exc.code and exc.message
        return
    assert sub.articles and sub.paragraphs >= 1


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=500))
def test_any_text_article_is_accepted_or_rejected_cleanly(text: str) -> None:
    try:
        sub = parse_submission({"text": text}, SETTINGS)
    except ApiError as exc:
        assert exc.status in (413, 422)
        return
    assert sub.paragraphs >= 1
