"""Which language a preference page speaks (issue 13, item 3): ``?lang=``, else Accept-Language by
quality among the brand's languages, else English (or the brand's first)."""
from __future__ import annotations

import pytest

from registry.domain.errors import InvalidRequest
from registry.domain.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    MAX_ACCEPT_LANGUAGE,
    MAX_RANGES,
    SUPPORTED_LANGUAGES,
    check_languages,
    fallback,
    match,
    negotiate,
    parse_accept_language,
    spoken,
)


def test_english_and_spanish_are_supported_and_english_is_the_default():
    assert SUPPORTED_LANGUAGES == ("en", "es") and DEFAULT_LANGUAGE == "en"
    assert LANGUAGE_NAMES == {"en": "English", "es": "Español"}


@pytest.mark.parametrize("header, ranges", [
    (None, []),
    ("", []),
    ("es", ["es"]),
    ("ES-mx", ["es-mx"]),
    ("en-US,en;q=0.9,es;q=0.8", ["en-us", "en", "es"]),
    ("es;q=0.5, en;q=0.9", ["en", "es"]),  # by quality, not by order
    ("fr;q=0.8, es;q=0.8, de", ["de", "fr", "es"]),  # equal qualities keep the header's order
    ("es;q=0, en", ["en"]),  # q=0: not this one
    ("es;q=0.000, en;q=0.001", ["en"]),
    ("en;q=1, es;q=1.000", ["en", "es"]),
    ("en;q=1, es", ["en", "es"]),  # no quality is q=1
    ("en;q=0.999, es", ["es", "en"]),
    ("*;q=0.1, es", ["es", "*"]),
    ("es;q=1.5, en", ["en"]),  # a quality over 1 is malformed: that range is dropped
    ("es;q=0.1234, en", ["en"]),  # more than three decimals
    ("es;q=, en", ["en"]),
    ("es;x=1, en", ["en"]),
    ("es;q=0.5;q=0.4, en;q=0.1", ["en"]),  # two parameters
    ("es ; Q=0.7 , en;q=0.2", ["es", "en"]),
    ("12, e$, toolongsubtag, en", ["en"]),
    (",,, ;q=1, es", ["es"]),
    ("zh-Hant-TW", ["zh-hant-tw"]),
])
def test_accept_language_is_read_by_quality(header, ranges):
    assert parse_accept_language(header) == ranges


def test_a_long_header_is_read_only_so_far():
    many = ",".join(["fr"] * (MAX_RANGES - 1) + ["es", "en"])
    assert parse_accept_language(many)[-1] == "es" and "en" not in parse_accept_language(many)
    padded = "fr;q=0.9," * (MAX_ACCEPT_LANGUAGE // 9) + "es"
    assert "es" not in parse_accept_language(padded)


def test_the_brand_speaks_its_own_languages_or_every_one():
    assert spoken(()) == SUPPORTED_LANGUAGES
    assert spoken(("es",)) == ("es",)
    assert spoken(("es", "en")) == ("es", "en")
    assert spoken(("fr",)) == SUPPORTED_LANGUAGES  # none it could speak: every one
    assert spoken(("fr", "es")) == ("es",)


def test_the_fallback_is_english_else_the_brands_first():
    assert fallback(("en", "es")) == "en"
    assert fallback(("es", "en")) == "en"
    assert fallback(("es",)) == "es"


def test_a_range_matches_by_its_primary_subtag():
    assert match(["es-mx"], ("en", "es")) == "es"
    assert match(["fr", "es"], ("en", "es")) == "es"
    assert match(["fr"], ("en", "es")) is None
    assert match(["*"], ("es", "en")) == "es"
    assert match(["esx"], ("es",)) is None
    assert match([], ("en",)) is None


@pytest.mark.parametrize("header, brand, requested, language", [
    ("es", (), None, "es"),
    ("es-MX,es;q=0.9,en;q=0.8", (), None, "es"),
    ("en-US,en;q=0.9,es;q=0.8", (), None, "en"),
    ("fr-FR,fr;q=0.9,es;q=0.5", (), None, "es"),  # the first the brand speaks
    ("fr", (), None, "en"),  # none: English
    (None, (), None, "en"),
    ("es", ("en",), None, "en"),  # the brand does not speak Spanish
    ("en", ("es",), None, "es"),  # nor English: its first language
    ("es;q=0, en;q=0.1", (), None, "en"),
    ("es", (), "en", "en"),  # the switch wins over the browser
    ("en", (), "es", "es"),
    ("en", (), " ES ", "es"),
    ("en", ("en",), "es", "en"),  # ... among the brand's languages only
    ("es", (), "fr", "es"),  # a language we do not have is ignored
    ("es", (), "", "es"),
    ("es", (), "   ", "es"),
])
def test_negotiation(header, brand, requested, language):
    assert negotiate(header, brand, requested) == language


def test_a_brands_languages_are_checked():
    assert check_languages(["es", "en", "es"]) == ("es", "en")
    assert check_languages(["en"]) == ("en",)
    with pytest.raises(InvalidRequest) as refused:
        check_languages(["en", "fr"])
    assert refused.value.field == "languages[1]" and "en, es" in refused.value.message and "'fr'" in refused.value.message
    with pytest.raises(InvalidRequest) as empty:
        check_languages([])
    assert empty.value.field == "languages"
    assert empty.value.message == "name at least one language (or send null for every supported one)"
    with pytest.raises(InvalidRequest):
        check_languages(["ES"])  # the tags as listed, lower case
