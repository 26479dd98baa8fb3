"""The preference pages' words in the person's language: gettext catalogues kept with Babel.

- Messages are English msgids, marked where they are written: ``_("...")`` in the Jinja2
  templates (``handlers/templates``), ``N_("...")`` in ``handlers/page_texts.py`` (statuses,
  channels, error texts) and ``services/preference_links.py`` (the consent wording, kept as
  evidence in the language it was shown in). ``babel.cfg`` at the repository's root names them.
- ``locale/messages.pot`` is what ``pybabel extract`` finds; ``locale/<lang>/LC_MESSAGES/messages.po``
  the translation; ``messages.mo`` its compiled form, committed next to it, so the Lambda code
  asset (``functions/``, as ``sam build`` copies it) holds what runtime reads and no build step is
  needed. A test keeps the three in step (docs/preference-page.md: how to add a language).
- English is the msgids themselves: it has no catalogue.

Babel (and its locale data, for dates in words) is imported on the first page only: a lookup's
cold start does not pay for it.
"""
from __future__ import annotations

import gettext
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from .domain.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from .domain.location import known_zone

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = DEFAULT_LANGUAGE  # the msgids' language


def N_(message: str) -> str:
    """Marks a message for ``pybabel extract`` where it is defined; translated where it is shown."""
    return message


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES) + 1)
def translations(language: str | None) -> gettext.NullTranslations:
    """The catalogue of a language; the msgids themselves for English or a language we do not have."""
    if not language or language == SOURCE_LANGUAGE or language not in SUPPORTED_LANGUAGES:
        return gettext.NullTranslations()
    from babel.support import Translations

    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def gettext_for(language: str | None):
    return translations(language).gettext


def when(moment: datetime, zone: str | None, language: str) -> str:
    """A moment in words, in the person's zone (UTC when none is known), in their language:
    "January 1, 2027 at 3:24 AM (Pacific Standard Time)", "1 de enero de 2027 a las 3:24 (hora
    estándar del Pacífico)"."""
    from babel.dates import format_date, format_datetime, format_time

    tz = known_zone(zone) or UTC
    local = moment.astimezone(tz)
    _ = gettext_for(language)
    return _("%(date)s at %(time)s (%(zone)s)") % {
        "date": format_date(local.date(), "long", locale=language),
        "time": format_time(local, "short", tzinfo=tz, locale=language),
        "zone": format_datetime(local, "zzzz", tzinfo=tz, locale=language)}
