"""The contract's rules (CONTRACT.md, rev. 1 and rev. 2, "Deciding" and its default policy; docs/decisions.md
where the contract is silent), written out again in the plainest way, as oracles for the property
tests. Nothing of ``registry.domain`` is used here but its fact types: a bug in the domain's rule
cannot be copied into its oracle.

Each function quotes the words it implements.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# --- where the contact is ------------------------------------------------------------------------

# "every zone phonenumbers gives for the number" (phonenumbers.timezone.time_zones_for_number for
# these numbers, written down: +979 is non-geographic, phonenumbers gives no zone).
NUMBER_ZONES = {
    "+14155550123": ("America/Los_Angeles",),
    "+12125550123": ("America/New_York",),
    "+19075550123": ("America/Adak", "America/Anchorage"),
    "+97912345678": (),
}


def _known(zone: str | None) -> bool:
    try:
        ZoneInfo(zone or "")
        return bool(zone)
    except Exception:
        return False


def zones(address: str, kind: str, timezone: str | None, set_by: str | None = "preference_center") -> tuple[str, ...]:
    """"Time zone: the contact's own `timezone` preference, else every zone `phonenumbers` gives
    for the number" (an email has none but its own); rev. 2: "A timezone preference set by anyone
    but the person (source other than preference_center) adds to the number's zones"."""
    own = (timezone,) if _known(timezone) and timezone is not None else ()
    if kind != "phone":
        return own
    if own and set_by == "preference_center":
        return own
    return NUMBER_ZONES[address] + tuple(z for z in own if z not in NUMBER_ZONES[address])


def contact_zones(facts) -> tuple[str, ...]:
    return zones(facts.address, facts.kind, facts.preferences.timezone, facts.preferences.timezone_source)


# --- defer reasons -------------------------------------------------------------------------------

WINDOW = (time(8), time(21))  # "08:00-21:00 in their local time" (decisions.md: 21:00 itself is quiet)
EVERY_DAY = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def in_contact_hours(local: datetime, hours) -> bool:
    """"A contact's own contact_hours narrow the window further" (decisions.md: an empty `days`
    means every day; start equal to end means all day; hours past midnight belong to the day they
    start on). Each listed day opens a window at its start that closes at the next end."""
    wall = local.replace(tzinfo=None)
    for day in (wall.date(), wall.date() - timedelta(days=1)):
        if DAY_NAMES[day.weekday()] not in (hours.days or EVERY_DAY):
            continue
        opens = datetime.combine(day, hours.start)
        closes = datetime.combine(day if hours.start < hours.end else day + timedelta(days=1), hours.end)
        if opens <= wall < closes:
            return True
    return False


def open_in(at: datetime, zone: str, hours) -> bool:
    local = at.astimezone(ZoneInfo(zone))
    clock = local.time().replace(tzinfo=None)
    return WINDOW[0] <= clock < WINDOW[1] and (hours is None or in_contact_hours(local, hours))


def quiet(facts, channel: str, at: datetime) -> bool:
    """"call and sms may reach the contact only 08:00-21:00 in their local time ... when there are
    several [zones], the moment must be inside the window in all of them" (decisions.md: no zone
    known, deferred). Email has no quiet hours."""
    if channel not in ("call", "sms"):
        return False
    where = contact_zones(facts)
    return not where or not all(open_in(at, z, facts.preferences.contact_hours) for z in where)


# "marketing calls: 3 attempts per brand in any rolling 7 days; marketing sms: 3 per 7 days"
CAP, CAP_WINDOW = 3, timedelta(days=7)


def counted_attempts(facts, channel: str, purpose: str, brand: str, at: datetime) -> list:
    """"An attempt counts while it is less than 7 days old", and only "if [its] occurred_at is at
    or before at"; the same channel, purpose and brand (decisions.md)."""
    return [a for a in facts.attempts
            if (a.channel, a.purpose, a.brand) == (channel, purpose, brand)
            and a.occurred_at <= at and at - a.occurred_at < CAP_WINDOW]


def capped(facts, channel: str, purpose: str, brand: str, at: datetime) -> bool:
    """A cap only for marketing calls and texts ("none for email or informational")."""
    if purpose != "marketing" or channel not in ("call", "sms"):
        return False
    return len(counted_attempts(facts, channel, purpose, brand, at)) >= CAP


def snoozed(facts, at: datetime) -> bool:
    """"`snooze_until` in preferences defers every channel until then"."""
    until = facts.preferences.snooze_until
    return until is not None and at < until


def defer_codes(facts, channel: str, purpose: str, brand: str, at: datetime) -> set[str]:
    codes = set()
    if quiet(facts, channel, at):
        codes.add("quiet_hours")
    if capped(facts, channel, purpose, brand, at):
        codes.add("frequency_cap")
    if snoozed(facts, at):
        codes.add("snoozed")
    return codes


HORIZON = timedelta(days=30)


def next_open(facts, channel: str, purpose: str, brand: str, at: datetime) -> datetime | None:
    """"the earliest moment at which no defer reason applies, or null if there is none within 30
    days". A deferred moment stays deferred until a window opens (local 08:00, or a contact-hours
    start, in some zone), a counted attempt turns 7 days old, or the snooze ends: the earliest of
    those instants with no defer reason is the answer. (The pools' zones change their clocks at
    02:00, where no window starts, so a DST jump never opens one by itself.)"""
    end = at + HORIZON
    candidates = {at}
    hours = facts.preferences.contact_hours
    if channel in ("call", "sms"):
        for zone in contact_zones(facts):
            tz = ZoneInfo(zone)
            day = at.astimezone(tz).date() - timedelta(days=1)
            while day <= end.astimezone(tz).date():
                for start in (WINDOW[0],) + ((hours.start,) if hours is not None else ()):
                    for fold in (0, 1):
                        candidates.add(datetime.combine(day, start, tzinfo=tz).replace(fold=fold).astimezone(UTC))
                day += timedelta(days=1)
    candidates |= {a.occurred_at + CAP_WINDOW for a in facts.attempts}
    if facts.preferences.snooze_until is not None:
        candidates.add(facts.preferences.snooze_until)
    for moment in sorted(c for c in candidates if at <= c <= end):
        if not defer_codes(facts, channel, purpose, brand, moment):
            return moment
    return None


# --- deny reasons --------------------------------------------------------------------------------

# "basis needed": call+marketing: consent or EBR; sms+marketing and sms+informational: consent;
# email+marketing: none (opt-out model); call+informational, email+informational: none.
BASIS = {("call", "marketing"): "consent_or_ebr", ("sms", "marketing"): "consent",
         ("sms", "informational"): "consent", ("email", "marketing"): None,
         ("call", "informational"): None, ("email", "informational"): None}
EBR_MONTHS = {"inquiry": 3, "transaction": 18}  # "an inquiry gives EBR for 3 calendar months, a transaction for 18"


def covers(fact, channel: str, purpose: str, brand: str, kind: str) -> bool:
    """A consent covers the scopes it names (decisions.md: scopes match exactly); an opt-out also
    `all` channels or purposes and brand `*` ("every brand")."""
    if kind == "consent":
        return channel in fact.channels and purpose in fact.purposes and fact.brand == brand
    return ((channel in fact.channels or "all" in fact.channels)
            and (purpose in fact.purposes or "all" in fact.purposes)
            and fact.brand in (brand, "*"))


# rev. 2, "first-party source": "Only a consent from one of these can lift an opt-out."
FIRST_PARTY = {"web_form", "inbound_call", "agent", "preference_center", "sms_keyword"}
ROBO = {"autodialed", "prerecorded", "artificial_voice"}


def dialing_of(channel: str, dialing: str | None) -> str | None:
    """"manual (default for call) ... Every sms counts as autodialed; email has none"."""
    return "autodialed" if channel == "sms" else (dialing or "manual") if channel == "call" else None


def reassigned(facts, at: datetime) -> datetime | None:
    """"A reassignment is recorded by an attempt with outcome disconnected or wrong_party ... or by a
    reassigned-numbers check with result yes": the latest by ``at``."""
    moments = [r.occurred_at for r in facts.reassignments]
    moments += [a.occurred_at for a in facts.attempts
                if a.outcome == "wrong_party" or (a.outcome == "disconnected" and a.channel in ("call", "sms"))]
    return max((m for m in moments if m <= at), default=None)


def void(occurred_at: datetime, facts, at: datetime) -> bool:
    """"voids every consent and EBR of that number ... whose occurred_at is before it" (decisions.md:
    a tie is void too)."""
    when = reassigned(facts, at)
    return when is not None and occurred_at <= when


# rev. 2, "Policy versions": "on 2027-01-31 (FCC, DA 26-12) a revocation sent in reply to any message of a
# brand revokes every autodialed and prerecorded call and text of that brand, for every purpose" (docs/
# policy-versions.md: from 00:00 in Washington; a reply is an SMS reply, source sms_keyword; the rule of the
# moment the person replied decides its reach).
REVOKE_ALL_FROM = datetime(2027, 1, 31, 5, 0, tzinfo=UTC)


def revokes_all(opt_out, channel: str, brand: str, dialing: str | None) -> bool:
    return (opt_out.source == "sms_keyword" and opt_out.occurred_at >= REVOKE_ALL_FROM
            and dialing_of(channel, dialing) in ROBO and opt_out.brand in (brand, "*"))


def _said_by(facts, channel, purpose, brand, at, dialing=None):
    """The scope's opt-outs and consents that count at ``at``: "only if their occurred_at is at or before at"."""
    opt_outs = [o for o in facts.opt_outs if o.occurred_at <= at and (
        covers(o, channel, purpose, brand, "opt_out") or revokes_all(o, channel, brand, dialing))]
    consents = [c for c in facts.consents if covers(c, channel, purpose, brand, "consent") and c.occurred_at <= at]
    return opt_outs, consents


def accepted(consent, channel: str, at: datetime, facts=None) -> bool:
    """A consent the policy accepts as a basis: not expired at ``at`` ("consent expiry: none unless
    the consent carries expires_at"; from that instant on it has expired), and not "from
    purchased_list" on a call or sms."""
    if consent.expires_at is not None and at >= consent.expires_at:
        return False
    if facts is not None and void(consent.occurred_at, facts, at):
        return False
    return not (consent.source == "purchased_list" and channel in ("call", "sms"))


def opted_out(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """"An opt-out and a consent for the same scope resolve to whichever occurred_at is later; on a
    tie the opt-out wins." Only a consent the policy accepts lifts an opt-out (decisions.md), and
    rev. 2: "Only a consent from a first-party source, later than the opt-out, lifts it"."""
    return (bool(_said_by(facts, channel, purpose, brand, at, dialing)[0])
            and not _lifting(facts, channel, purpose, brand, at, dialing))


def _lifting(facts, channel, purpose, brand, at, dialing=None) -> list:
    """The consents in force: accepted, and (when an opt-out covers the scope) first-party and later than it."""
    opt_outs, consents = _said_by(facts, channel, purpose, brand, at, dialing)
    latest_opt_out = max((o.occurred_at for o in opt_outs), default=None)
    return [c for c in consents if accepted(c, channel, at, facts)
            and (latest_opt_out is None or (c.source in FIRST_PARTY and c.occurred_at > latest_opt_out))]


def consent_basis(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """A consent in force for the scope: accepted, and not revoked by a later (or same-instant) opt-out."""
    return bool(_lifting(facts, channel, purpose, brand, at, dialing))


def written_basis(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """rev. 2: a `written` consent in force."""
    return any(c.grade == "written" for c in _lifting(facts, channel, purpose, brand, at, dialing))


def months_later(when: datetime, months: int) -> datetime:
    """Calendar months on, the day kept or, past the month's end, its last day (Nov 30 + 3 = Feb 28/29)."""
    index = when.year * 12 + when.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return when.replace(year=year, month=month, day=min(when.day, last_day))


def ebr(facts, brand: str, at: datetime) -> bool:
    """An EBR for the brand, "from its occurred_at" for 3 or 18 calendar months (ending then)."""
    return any(r.brand == brand and r.occurred_at <= at < months_later(r.occurred_at, EBR_MONTHS[r.kind])
               and not void(r.occurred_at, facts, at) for r in facts.relationships)


def no_consent(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """"the policy needs a basis for this channel and purpose and there is none, or only one the
    policy does not accept (expired, from purchased_list, revoked)"; rev. 2: "An informational
    autodialed, prerecorded or artificial_voice call to a number that may be wireless needs a
    consent of any grade" (taken to the sms that counts as autodialed; an EBR is no consent)."""
    needed = BASIS[(channel, purpose)]
    if dialing_of(channel, dialing) in ROBO and facts.preferences.line_type != "landline":
        needed = "consent"
    if needed is None:
        return False
    if consent_basis(facts, channel, purpose, brand, at, dialing):
        return False
    return not (needed == "consent_or_ebr" and ebr(facts, brand, at))


def on_a_list(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """"kind national or state: deny marketing unless the address has consent (rev. 2: `written`
    consent) or EBR for that brand; informational contact is not affected. Kind internal or
    litigator: deny every purpose, consent or not.\""""
    return bool(barring_lists(facts, channel, purpose, brand, at, dialing))


def barring_lists(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> list:
    return [m for m in facts.suppressions
            if m.kind in ("internal", "litigator")
            or (purpose == "marketing" and not written_basis(facts, channel, purpose, brand, at, dialing)
                and not ebr(facts, brand, at))]


def written_required(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> bool:
    """rev. 2: "marketing by sms, or an autodialed, prerecorded or artificial_voice marketing call,
    and no written consent for that brand is in force; also a national or state list entry that only
    an express consent would lift" (decisions.md: listed whenever only a written consent would do)."""
    robo = purpose == "marketing" and dialing_of(channel, dialing) in ROBO
    if robo and not written_basis(facts, channel, purpose, brand, at, dialing):
        return True
    return any(m.kind in ("national", "state") for m in barring_lists(facts, channel, purpose, brand, at, dialing))


def consent_void(facts, channel: str, purpose: str, brand: str, at: datetime, missing: bool) -> bool:
    """rev. 2: "the only consents or EBR are older than a reassignment of the number": the scope
    lacks what it needs, and a consent of the scope or an EBR of the brand was voided."""
    if not missing:
        return False
    consents = [c for c in facts.consents if covers(c, channel, purpose, brand, "consent") and c.occurred_at <= at]
    relationships = [r for r in facts.relationships if r.brand == brand and r.occurred_at <= at]
    return any(void(f.occurred_at, facts, at) for f in consents + relationships)


def undeliverable(facts, channel: str, at: datetime) -> bool:
    """"email hard bounce, or a phone the dialer reported as disconnected" (decisions.md: an email
    attempt reported `bounced` is a hard bounce, a `disconnected` attempt blocks call and sms; a
    later `answered` or `delivered` attempt on that channel clears it)."""
    reports = [u.occurred_at for u in facts.undeliverable if channel in u.channels and u.occurred_at <= at]
    dead = "bounced" if channel == "email" else "disconnected"
    reports += [a.occurred_at for a in facts.attempts if a.outcome == dead and a.occurred_at <= at
                and (a.channel == "email") == (channel == "email")]
    if not reports:
        return False
    last = max(reports)
    return not any(a.channel == channel and a.outcome in ("answered", "delivered") and last < a.occurred_at <= at
                   for a in facts.attempts)


def deny_codes(facts, channel: str, purpose: str, brand: str, at: datetime, dialing: str | None = None) -> set[str]:
    codes = set()
    if opted_out(facts, channel, purpose, brand, at, dialing):
        codes.add("opted_out")
    if on_a_list(facts, channel, purpose, brand, at, dialing):
        codes.add("on_suppression_list")
    if no_consent(facts, channel, purpose, brand, at, dialing):
        codes.add("no_consent")
    if undeliverable(facts, channel, at):
        codes.add("undeliverable")
    if written_required(facts, channel, purpose, brand, at, dialing):
        codes.add("written_consent_required")
    if consent_void(facts, channel, purpose, brand, at, bool({"no_consent", "written_consent_required"} & codes)):
        codes.add("consent_void")
    return codes
