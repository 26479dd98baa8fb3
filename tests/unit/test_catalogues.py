"""The preference pages' message catalogues (issue 13, item 3): complete, in step with the code,
and inside the Lambda code asset.

- ``locale/messages.pot`` is what ``pybabel extract -F babel.cfg`` finds now (a message added to a
  template or to page_texts.py without extracting fails here);
- every msgid of it is translated in every language's ``messages.po`` (not fuzzy, not blank, with
  the same ``%(name)s`` placeholders);
- the committed ``messages.mo`` is that ``.po`` compiled (runtime reads the .mo);
- every supported language but English (the msgids) has its catalogue, and runtime finds it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from registry import i18n
from registry.domain.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from registry.handlers import page_texts
from registry.services import preference_links

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "functions" / "registry" / "locale"
TRANSLATED = [language for language in SUPPORTED_LANGUAGES if language != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _ids(catalog) -> set[str]:
    return {message.id for message in catalog if message.id}


def _extracted() -> set[str]:
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = [(section.split(":", 1)[1].strip(), section.split(":", 1)[0].strip()) for section in config.sections()]
    options_map = {section.split(":", 1)[1].strip(): dict(config.items(section)) for section in config.sections()}
    return {message for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)
            if isinstance(message, str)}


def test_the_catalogue_template_is_what_the_code_marks():
    with open(LOCALE / "messages.pot", "rb") as template:
        assert _ids(read_po(template)) == _extracted(), "run pybabel extract (docs/preference-page.md)"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    with open(LOCALE / "messages.pot", "rb") as template:
        wanted = _ids(read_po(template))
    with open(LOCALE / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=language)
    assert _ids(catalog) == wanted, "run pybabel update (docs/preference-page.md)"
    for message in catalog:
        if not message.id:
            continue
        assert isinstance(message.string, str) and message.string.strip(), f"not translated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        assert ("<strong>" in message.id) == ("<strong>" in message.string), message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_translation(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po:
        source = {m.id: m.string for m in read_po(po, locale=language) if m.id}
    with open(folder / "messages.mo", "rb") as mo:
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == source, "run pybabel compile (docs/preference-page.md)"


def test_every_supported_language_has_its_catalogue_and_runtime_finds_it():
    assert sorted(p.name for p in LOCALE.iterdir() if p.is_dir()) == sorted(TRANSLATED)
    for language in TRANSLATED:
        translations = i18n.translations(language)
        assert type(translations).__name__ == "Translations", language  # not the NullTranslations fallback
        assert translations.gettext("Save my choices") != "Save my choices"
    assert i18n.translations("en").gettext("Save my choices") == "Save my choices"
    assert i18n.translations("xx").gettext("Save my choices") == "Save my choices"


def test_the_catalogues_ship_with_the_code():
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "locale/**/*" in package_data["registry"]
    assert i18n.LOCALE_DIR == LOCALE and str(LOCALE).startswith(str(ROOT / "functions"))  # the CodeUri


def test_the_form_errors_the_page_translates_are_the_ones_the_code_raises():
    assert f"a pause lasts at most {preference_links.MAX_SNOOZE_DAYS} days" in page_texts.FORM_ERRORS
    assert page_texts.form_error("pick a pause date after today", "es") == "elija una fecha de pausa posterior a hoy"
    assert page_texts.form_error("something else", "es") == "something else"
