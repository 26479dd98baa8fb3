"""How change events are cut into PutEvents calls: at most 10 entries and 256 KB a call, and never
two of one contact in one call (a partial failure could otherwise publish a contact's later event
while its earlier one failed)."""
from __future__ import annotations

from registry.storage.event_bus import MAX_BYTES, Entry, calls, size


def entry(group: str, filler: int = 0) -> Entry:
    return Entry(group=group, source="contact-registry", detail_type="contact.permissions.changed",
                 detail={"address": group, "x": "y" * filler})


def cut(entries):
    return [[index for index, _ in call] for call in calls(entries, "registry")]


def test_ten_entries_a_call_in_order():
    assert cut([entry(f"C#{n}") for n in range(23)]) == [list(range(10)), list(range(10, 20)), [20, 21, 22]]


def test_a_contact_seen_in_a_call_starts_the_next_one():
    entries = [entry("C#a"), entry("C#b"), entry("C#a"), entry("C#c"), entry("C#c")]
    assert cut(entries) == [[0, 1], [2, 3], [4]]


def test_no_call_holds_more_than_256_kb():
    big = [entry(f"C#{n}", filler=100 * 1024) for n in range(5)]
    cuts = cut(big)
    assert cuts == [[0, 1], [2, 3], [4]]
    for call in calls(big, "registry"):
        assert sum(size(request) for _, request in call) <= MAX_BYTES
    # exactly at the limit still fits one call
    one = entry("C#a")
    room = MAX_BYTES - size(one.request("registry"))
    assert cut([entry("C#a", filler=room // 2 - 200), entry("C#b", filler=room // 2 - 200)]) == [[0, 1]]


def test_the_request_names_the_bus_and_carries_the_detail_as_json():
    request = entry("C#a").request("my-bus")
    assert request["EventBusName"] == "my-bus"
    assert request["Source"] == "contact-registry" and request["DetailType"] == "contact.permissions.changed"
    assert request["Detail"] == '{"address":"C#a","x":""}'
    assert size(request) == len("contact-registry") + len("contact.permissions.changed") + len(request["Detail"])


def test_nothing_to_publish_is_no_call():
    assert calls([], "registry") == []
