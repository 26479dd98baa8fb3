"""The languages the preference pages speak, and which one a person gets (issue 13, item 3).

The rule, in order:

1. ``?lang=`` on the page (the person's own choice, from the switch on the page), if the brand
   speaks it;
2. else the first of the browser's ``Accept-Language`` ranges (RFC 9110 12.5.4, by quality, the
   order given breaking ties; ``q=0`` means "not this one") that the brand speaks: ``es-MX``
   matches ``es``, ``*`` matches the brand's first language;
3. else English, if the brand speaks it; else the brand's first language.

A brand speaks the languages in its ``languages`` (a subset of ``SUPPORTED_LANGUAGES``, in the
brand's order); a brand that names none speaks every supported one. Pure: no catalogue is read
here (``registry.i18n`` holds them; a test checks there is one for every supported language).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import InvalidRequest

DEFAULT_LANGUAGE = "en"
# Every language the pages have a catalogue for, and its name in itself (the switch shows these).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)
MAX_ACCEPT_LANGUAGE = 1024  # characters of the header read; a longer one is cut there
MAX_RANGES = 32

_RANGE = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")
_QUALITY = re.compile(r"^[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")


def parse_accept_language(header: str | None) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, most wanted first, lower case.

    Ranges with ``q=0`` are dropped, as are malformed ranges and ranges with a malformed quality
    (a header is a client's: it never fails a page). Equal qualities keep the header's order."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:MAX_ACCEPT_LANGUAGE].split(",")[:MAX_RANGES]):
        pieces = [piece.strip() for piece in part.split(";")]
        tag = pieces[0]
        if not _RANGE.match(tag):
            continue
        quality = 1.0
        if len(pieces) > 1:
            matched = _QUALITY.match(pieces[1])
            if matched is None or len(pieces) > 2:
                continue
            quality = float(matched.group(1))
        if quality <= 0:
            continue
        ranked.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(ranked)]


def spoken(brand_languages: Sequence[str]) -> tuple[str, ...]:
    """The languages a brand's pages are shown in: its own list, or every supported one."""
    own = tuple(language for language in brand_languages if language in SUPPORTED_LANGUAGES)
    return own or SUPPORTED_LANGUAGES


def fallback(languages: Sequence[str]) -> str:
    """English if the brand speaks it, else its first language."""
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in languages else languages[0]


def match(ranges: Sequence[str], languages: Sequence[str]) -> str | None:
    """The first range that names one of ``languages`` (by its primary subtag); ``*`` any."""
    for tag in ranges:
        if tag == "*":
            return languages[0]
        primary = tag.split("-")[0]
        if primary in languages:
            return primary
    return None


def negotiate(accept_language: str | None, brand_languages: Sequence[str] = (), requested: str | None = None) -> str:
    """The language of a page: ``requested`` (``?lang=``), else ``Accept-Language``, else the fallback."""
    languages = spoken(brand_languages)
    if requested and requested.strip().lower() in languages:
        return requested.strip().lower()
    return match(parse_accept_language(accept_language), languages) or fallback(languages)


def check_languages(entries: Sequence[str], field: str = "languages") -> tuple[str, ...]:
    """A brand's ``languages``: supported ones, each once, in the brand's order; at least one."""
    out: list[str] = []
    for index, entry in enumerate(entries):
        if entry not in SUPPORTED_LANGUAGES:
            raise InvalidRequest(f"the pages speak {', '.join(SUPPORTED_LANGUAGES)}; not {entry!r}", f"{field}[{index}]")
        if entry not in out:
            out.append(entry)
    if not out:
        raise InvalidRequest("name at least one language (or send null for every supported one)", field)
    return tuple(out)
