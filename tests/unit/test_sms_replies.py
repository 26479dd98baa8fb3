"""Reading an SMS reply as a person means it (CONTRACT.md rev. 2, Events: "SMS replies")."""
from __future__ import annotations

import pytest

from registry.domain.policy import DEFAULT_POLICY, SmsReplyWords
from registry.domain.sms_replies import PRECEDENCE, Reading, ReplyKind, read, readable_word, words

WORDS = DEFAULT_POLICY.sms_replies


def kind(body: str, extra=()) -> ReplyKind:
    return read(body, WORDS, extra).kind


# The contract's own examples, and more of the same.
@pytest.mark.parametrize("body", [
    "STOP.", "Stop please", "please stop texting me", "STOP!!! 🛑", "OPT-OUT", "stop", "STOP", " Stop\n",
    "StopAll", "UNSUBSCRIBE", "cancel", "END", "quit", "Revoke", "optout", "opt out", "Opt  Out", "opt_out",
    "remove", "Remove me from this list", "do not text me", "Don't text me again", "dont text",
    "don’t text me",  # a typographic apostrophe
    "No more texts!", "leave me alone", "ALTO", "parar", "Cancelar", "baja", "ARRÊT", "arret",
    "ＳＴＯＰ",  # full-width letters
    "stop\u200bplease",  # a zero-width space is not a letter either
    "ok thanks. STOP", "Yes stop", "help stop", "start stop", "I said STOP!!!", "STOP STOP",
    "stop-texting-me", "#stop", "(stop)", "stop123 stop",
])
def test_opt_outs(body):
    assert kind(body) is ReplyKind.OPT_OUT, body


@pytest.mark.parametrize("body", [
    "I'll be stopping by at noon", "nonstop deals", "Stopwatch", "unstoppable", "Thanks, see you Tuesday",
    "what time is my appointment?", "", "   ", "🛑", "!!!", "Y", "ok", "sounds good", "option outstanding",
    "endless", "cancellation fee?", "removed", "quite right", "alton", "opt", "out",
])
def test_not_opt_outs(body):
    assert not read(body, WORDS).opts_out, body


@pytest.mark.parametrize("body", ["wrong number", "Wrong Number!", "WRONG-NUMBER", "not me", "Not me, sorry",
                                  "this is the wrong number, stop", "número equivocado", "wrong person"])
def test_wrong_number(body):
    reading = read(body, WORDS)
    assert reading.kind is ReplyKind.WRONG_NUMBER and reading.opts_out, body


@pytest.mark.parametrize("body", ["START", "start", " Start\n", "Start please", "UNSTOP", "unstop!", "START."])
def test_resubscribe_is_the_first_word(body):
    assert kind(body) is ReplyKind.RESUBSCRIBE, body


@pytest.mark.parametrize("body", ["YES", "yes", "Yes!", "yes please", "YES.", "Yes 👍"])
def test_consent_is_the_first_word(body):
    assert kind(body) is ReplyKind.CONSENT, body


@pytest.mark.parametrize("body", ["I'll start on Monday", "ok yes", "restart", "startup", "yesterday",
                                  "eyes", "say yes to coffee"])
def test_words_that_give_back_count_only_first(body):
    assert kind(body) is ReplyKind.NONE, body


@pytest.mark.parametrize("body", ["HELP", "help!", "info", "INFO?", "ayuda", "Yes, more info please",
                                  "start help", "I need help", "help me"])
def test_help(body):
    assert kind(body) is ReplyKind.HELP, body


@pytest.mark.parametrize("body, expected", [
    ("stop yes", ReplyKind.OPT_OUT), ("yes stop", ReplyKind.OPT_OUT), ("help stop", ReplyKind.OPT_OUT),
    ("stop, wrong number", ReplyKind.WRONG_NUMBER), ("start but not me", ReplyKind.WRONG_NUMBER),
    ("yes info", ReplyKind.HELP), ("start info", ReplyKind.HELP), ("start yes", ReplyKind.RESUBSCRIBE),
    ("unstop stop", ReplyKind.OPT_OUT),
])
def test_precedence(body, expected):
    assert kind(body) is expected


def test_precedence_is_listed_in_order():
    assert PRECEDENCE[:2] == (ReplyKind.WRONG_NUMBER, ReplyKind.OPT_OUT) and PRECEDENCE[-1] is ReplyKind.NONE
    assert set(PRECEDENCE) == set(ReplyKind)


def test_the_matched_word_is_named():
    """The word or phrase that decided the reading, as read (the opt-out's note quotes it)."""
    assert read("please OPT-OUT now", WORDS).matched == "opt out"
    assert read("Don't text me", WORDS).matched == "don t text"
    assert read("hello", WORDS).matched is None


@pytest.mark.parametrize("body, kind, matched", [
    ("Wrong Number!", ReplyKind.WRONG_NUMBER, "wrong number"),
    ("I need HELP", ReplyKind.HELP, "help"),
    ("Start please", ReplyKind.RESUBSCRIBE, "start"),
    ("YES!", ReplyKind.CONSENT, "yes"),
])
def test_every_kind_names_the_word_that_decided_it(body, kind, matched):
    assert read(body, WORDS) == Reading(kind, matched)


def test_a_phrase_at_the_start_is_named_as_read():
    vocab = SmsReplyWords(resubscribe=("opt in",), consent=("sign me up",))
    assert read("Opt-in please", vocab) == Reading(ReplyKind.RESUBSCRIBE, "opt in")
    assert read("SIGN ME UP!", vocab) == Reading(ReplyKind.CONSENT, "sign me up")


def test_a_brand_adds_stop_words():
    assert kind("enough already") is ReplyKind.NONE
    assert kind("enough already", ["enough"]) is ReplyKind.OPT_OUT
    assert kind("no thanks", ["No thanks!"]) is ReplyKind.OPT_OUT  # a phrase, read as a reply is
    assert kind("thanks no", ["no thanks"]) is ReplyKind.NONE  # words in order
    assert kind("stop", ["enough"]) is ReplyKind.OPT_OUT  # the policy's words stay


def test_a_brand_cannot_take_words_away():
    assert WORDS.with_stop_words(["stop"]) is WORDS
    more = WORDS.with_stop_words(["basta"])
    assert "basta" in more.opt_out and set(WORDS.opt_out) < set(more.opt_out)


def test_policy_lists_the_words():
    doc = DEFAULT_POLICY.to_document()["sms_replies"]
    for word in ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out", "remove",
                 "alto", "parar", "cancelar", "baja", "arret", "remove me", "do not text", "don't text",
                 "no more texts", "leave me alone"):
        assert word in doc["opt_out"], word
    assert doc["wrong_number"][:2] == ["wrong number", "not me"]
    assert doc["resubscribe"] == ["start", "unstop"] and doc["consent"] == ["yes"]
    assert doc["help"] == ["help", "info", "ayuda"]
    assert "64.1200(a)(10)" in doc["rule"]


def test_policy_says_how_a_reply_is_read():
    """GET /v1/policy tells a brand how its replies are read: the contract's reading and this
    module's order (PRECEDENCE), word for word as served."""
    doc = DEFAULT_POLICY.to_document()["sms_replies"]
    assert set(doc) == {"rule", "opt_out", "wrong_number", "resubscribe", "consent", "help", "reading"}
    assert doc["reading"] == (
        "lower-cased, accents dropped, every character that is not a letter or digit a space; words and phrases "
        "match whole words. Precedence: wrong_number, opt_out (anywhere in the reply), help (anywhere), "
        "resubscribe, consent (only as the reply's first word).")
    stated = doc["reading"].partition("Precedence:")[2]
    assert sorted(PRECEDENCE[:-1], key=lambda k: stated.index(k.value)) == list(PRECEDENCE[:-1])  # as read


def test_words():
    assert words("STOP!!! 🛑") == ("stop",)
    assert words("Don't-TEXT me.") == ("don", "t", "text", "me")
    assert words("ARRÊT") == ("arret",)
    assert words("ＯＰＴ－ＯＵＴ") == ("opt", "out")


def test_case_never_changes_a_reading():
    """Upper or lower case, a word is the same word, even where a lower-case letter is not the fold
    of its upper case: the Turkish dotless ı (a Turkish keyboard's lower-case I) is an i."""
    assert words("quıt") == words("QUIT") == ("quit",)
    assert kind("quıt") is ReplyKind.OPT_OUT and kind("İNFO") is ReplyKind.HELP


def test_readable_word():
    assert readable_word("no thanks") and readable_word("Basta!")
    assert not readable_word("!!!") and not readable_word("🛑") and not readable_word("  ")


def test_custom_vocabulary():
    vocab = SmsReplyWords(opt_out=("halt",), wrong_number=(), resubscribe=("go",), consent=("ok",), help=("?",))
    assert read("halt", vocab).kind is ReplyKind.OPT_OUT
    assert read("stop", vocab).kind is ReplyKind.NONE
    assert read("go now", vocab).kind is ReplyKind.RESUBSCRIBE
    assert read("?", vocab).kind is ReplyKind.NONE  # "?" reads as no word: it can never match
