"""Identify an article's language with py3langid."""

from __future__ import annotations

from functools import lru_cache

_SAMPLE_CHARS = 3000


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, default: str = "en") -> str:
    """Return the ISO 639-1 code of the text's language, or `default` when there is no text."""
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return default
    lang, _prob = _identifier().classify(sample)
    return str(lang)
