"""Reading an SMS reply as the person means it (contract rev. 2, "SMS replies"; 47 CFR
64.1200(a)(10), FCC 24-24: a revocation "by any reasonable means", in the words people use).

The body is read as words, never as a whole: it is compatibility-normalised (NFKC), case-folded,
its accents dropped (``ARRÊT`` is ``arret``), and every character that is not a letter or a digit
becomes a space (``OPT-OUT`` is ``opt out``, ``don't`` is ``don t``, ``STOP!!! 🛑`` is ``stop``).
A keyword is a whole word (``stopping`` is not ``stop``); a phrase is a run of whole words
(``opt out``, ``do not text``). The word lists are the policy's (``policy.SmsReplyWords``,
served at ``GET /v1/policy``); a brand adds its own stop words.

What a reply means, in this order (the first that applies wins; docs/decisions.md "Events"):

1. ``wrong_number``: a wrong-number phrase anywhere (``wrong number``, ``not me``): an opt-out
   and a reassignment of the number.
2. ``opt_out``: a stop word or phrase anywhere. When in doubt the registry opts out: a needless
   opt-out costs one contact, a missed one a lawsuit. So ``stop`` beats everything below, and
   ``yes stop`` or ``help me stop this`` is an opt-out.
3. ``help``: a help word anywhere (``help``, ``info``, ``ayuda``): no change, the brand's help text.
4. ``resubscribe``: the *first* word is a resubscribe word (``start``, ``unstop``).
5. ``consent``: the *first* word is a consent word (``yes``).
6. ``none``: anything else.

Words that take something away (1, 2) count anywhere in the reply; words that give something
back (4, 5) count only as the reply's first word, so ``I'll start on Monday`` resubscribes
nobody and ``ok I'll say yes to coffee`` consents to nothing: when in doubt, the registry does
not opt anyone back in. ``help`` is read before them for the same reason: ``yes, more info
please`` gets the help text (which says how to opt in) and changes nothing.

Pure: no storage, no clock.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .policy import SmsReplyWords


class ReplyKind(StrEnum):
    WRONG_NUMBER = "wrong_number"
    OPT_OUT = "opt_out"
    HELP = "help"
    RESUBSCRIBE = "resubscribe"
    CONSENT = "consent"
    NONE = "none"


# The order a reply is read in (the module text): the first kind that applies wins.
PRECEDENCE: tuple[ReplyKind, ...] = (ReplyKind.WRONG_NUMBER, ReplyKind.OPT_OUT, ReplyKind.HELP,
                                     ReplyKind.RESUBSCRIBE, ReplyKind.CONSENT, ReplyKind.NONE)
# Kinds that opt the sender out (a wrong number is an opt-out too).
OPTS_OUT = frozenset({ReplyKind.WRONG_NUMBER, ReplyKind.OPT_OUT})


@dataclass(frozen=True)
class Reading:
    kind: ReplyKind
    matched: str | None = None  # the word or phrase that decided it, as normalised ("opt out")

    @property
    def opts_out(self) -> bool:
        return self.kind in OPTS_OUT


def words(body: str) -> tuple[str, ...]:
    """The reply's words: NFKC, case-folded, accents dropped, every non letter/digit a space."""
    # upper() first: case never changes a reading, even for letters whose lower case is not the
    # fold of their upper case (Turkish dotless ı: "QUIT" and "quıt" are both quit).
    text = unicodedata.normalize("NFKC", body).upper().casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple("".join(c if c.isalnum() else " " for c in text).split())


@lru_cache(maxsize=256)
def _phrases(entries: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Each entry of a word list as the words it reads as; entries with no word are dropped."""
    out = []
    for entry in entries:
        phrase = words(entry)
        if phrase and phrase not in out:
            out.append(phrase)
    return tuple(out)


def _find(said: Sequence[str], entries: tuple[str, ...]) -> str | None:
    """The first entry (in list order) found in ``said`` as a whole word or a run of whole words."""
    for phrase in _phrases(entries):
        n = len(phrase)
        if any(tuple(said[i:i + n]) == phrase for i in range(len(said) - n + 1)):
            return " ".join(phrase)
    return None


def _first(said: Sequence[str], entries: tuple[str, ...]) -> str | None:
    """The entry the reply starts with (whole words), if any."""
    for phrase in _phrases(entries):
        if tuple(said[:len(phrase)]) == phrase:
            return " ".join(phrase)
    return None


def read(body: str, vocabulary: SmsReplyWords, extra_stop_words: Iterable[str] = ()) -> Reading:
    """What the reply means (``ReplyKind``) and the word or phrase that decided it."""
    said = words(body)
    if not said:
        return Reading(ReplyKind.NONE)
    if (found := _find(said, vocabulary.wrong_number)) is not None:
        return Reading(ReplyKind.WRONG_NUMBER, found)
    if (found := _find(said, vocabulary.opt_out + tuple(extra_stop_words))) is not None:
        return Reading(ReplyKind.OPT_OUT, found)
    if (found := _find(said, vocabulary.help)) is not None:
        return Reading(ReplyKind.HELP, found)
    if (found := _first(said, vocabulary.resubscribe)) is not None:
        return Reading(ReplyKind.RESUBSCRIBE, found)
    if (found := _first(said, vocabulary.consent)) is not None:
        return Reading(ReplyKind.CONSENT, found)
    return Reading(ReplyKind.NONE)


def readable_word(entry: str) -> bool:
    """Whether a (brand's) stop word reads as at least one word: ``!!!`` or ``🛑`` alone never can."""
    return bool(words(entry))
