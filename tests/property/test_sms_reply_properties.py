"""Properties of reading SMS replies (domain.sms_replies): for any text at all."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.policy import DEFAULT_POLICY
from registry.domain.sms_replies import OPTS_OUT, ReplyKind, read, words

WORDS = DEFAULT_POLICY.sms_replies
SETTINGS = settings(max_examples=300, deadline=None)

texts = st.text(max_size=80)
# Separators that can never glue a stop word onto its neighbours.
separators = st.sampled_from([" ", "  ", ".", "!", ", ", "\n", " 🛑 ", "-", "?", "\t", "...", "'"])
stop_entries = st.sampled_from(WORDS.opt_out)
# Case and punctuation a person might add around the same words.
punctuation = st.sampled_from(["", ".", "!", "!!!", "?", " 🛑", ",", " :)", "..."])


def vary_case(text: str, pattern: list[bool]) -> str:
    return "".join(c.upper() if pattern[i % len(pattern)] else c.lower() for i, c in enumerate(text)) \
        if pattern else text


@SETTINGS
@given(texts, texts, stop_entries, separators, separators)
def test_adding_a_stop_word_as_a_separate_word_makes_any_text_an_opt_out(before, after, stop, left, right):
    reading = read(before + left + stop + right + after, WORDS)
    assert reading.opts_out, (before, stop, after, reading)


@SETTINGS
@given(texts, texts, st.sampled_from(WORDS.wrong_number), separators, separators)
def test_a_wrong_number_phrase_anywhere_makes_any_text_a_wrong_number(before, after, phrase, left, right):
    assert read(before + left + phrase + right + after, WORDS).kind is ReplyKind.WRONG_NUMBER


@SETTINGS
@given(texts, st.lists(st.booleans(), min_size=1, max_size=7), punctuation, punctuation)
def test_case_and_punctuation_never_change_the_reading(text, pattern, lead, trail):
    plain = read(text, WORDS).kind
    assert read(vary_case(text, pattern), WORDS).kind is plain
    assert read(vary_case(text, [True]), WORDS).kind is plain
    assert read(vary_case(text, [False]), WORDS).kind is plain
    # Punctuation around the words never joins or splits them: the reading stays.
    assert read(lead + " " + text + " " + trail, WORDS).kind is plain


@SETTINGS
@given(texts, stop_entries, st.lists(st.booleans(), min_size=1, max_size=5), punctuation)
def test_a_stop_word_in_any_case_with_any_punctuation_opts_out(text, stop, pattern, trail):
    assert read(vary_case(stop, pattern) + trail + " " + text, WORDS).opts_out


@SETTINGS
@given(texts)
def test_the_reading_depends_only_on_the_words(text):
    assert read(text, WORDS) == read(" ".join(words(text)), WORDS)


@SETTINGS
@given(texts, texts, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8))
def test_a_brand_stop_word_makes_any_text_an_opt_out(before, after, brand_word):
    body = f"{before} {brand_word} {after}"
    assert read(body, WORDS, [brand_word]).opts_out


@SETTINGS
@given(texts, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8))
def test_brand_words_only_ever_add_opt_outs(text, brand_word):
    """Adding stop words never turns an opt-out into anything else."""
    if read(text, WORDS).kind in OPTS_OUT:
        assert read(text, WORDS, [brand_word]).kind in OPTS_OUT


@SETTINGS
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40))
def test_a_word_merely_containing_stop_is_not_stop(text):
    """Glued to other letters (``stopping``, ``nonstop``), ``stop`` is another word."""
    glued = "".join(text.split()) or "x"
    body = f"{glued}stop{glued}"
    assert read(body, WORDS).kind is read(body.replace("stop", "xxxx"), WORDS).kind or "stop" in words(body)
