"""The preference page has words for every status a scope can have, and says "Receiving" only
when the person receives (issue 8, item 1: a status without words must fail here, not show
"Receiving")."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain.addresses import Address
from registry.domain.facts import ContactFacts
from registry.domain.location import Whereabouts
from registry.domain.profile import PageScope, PageStatus
from registry.handlers import preference_pages as pages
from registry.services import preference_links as links

NOW = datetime.now(UTC)


def page_with(statuses) -> str:
    link = links.Link("link-id", Address("person@example.com", "email"), "default", NOW, NOW + timedelta(days=30))
    scopes = tuple(PageScope("email", "marketing", status, consented=False) for status in statuses)
    address = links.AddressView("ref", link.address, True, scopes, ContactFacts("person@example.com", "email"))
    view = links.PageView(link, (address,), None, None, Whereabouts())
    return pages.preference_page(view, "http://prefs.test/p/token")


def status_cells(html: str) -> list[str]:
    return re.findall(r'<td class="status"[^>]*>([^<]*)</td></tr>', html)


def test_every_status_has_its_own_words():
    words = [status_cells(page_with([status]))[0] for status in PageStatus]
    assert len(set(words)) == len(PageStatus), words


@pytest.mark.parametrize("status", list(PageStatus))
def test_only_a_person_who_receives_reads_receiving(status):
    (cell,) = status_cells(page_with([status]))
    assert (cell == "Receiving") is (status is PageStatus.SUBSCRIBED)
    if status is not PageStatus.SUBSCRIBED:
        assert cell.startswith("Not receiving")


def test_a_status_without_words_fails_the_page_instead_of_reading_receiving():
    with pytest.raises(KeyError):
        page_with(["written_consent_required"])
