"""The preference center's HTML: plain, accessible pages with no script and no external asset.

Everything that comes from data (addresses, brand, messages, URLs) is HTML-escaped here, once,
through ``_e``. The pages show the person's own channels only, and the error pages show nothing
about whose link it was.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta

from ..domain.timeutil import format_instant, utc_now
from ..services import preference_links as links

# No script runs, nothing loads from elsewhere, no other site may frame the page (a one-click
# form must not be clickjacked), and the token in the URL never leaves in a Referer header.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}
CONTENT_TYPE = "text/html; charset=utf-8"

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:44rem;margin:1rem auto;padding:0 1rem;"
          "line-height:1.5;color:#111;background:#fff}table{border-collapse:collapse;width:100%}"
          "th,td{border:1px solid #666;padding:.3rem .5rem;text-align:left;vertical-align:top}"
          "fieldset{margin:1rem 0;border:1px solid #666}legend{font-weight:bold}"
          ".choice{display:block;margin:.25rem 0}.notice{border:2px solid #111;padding:.5rem 1rem}"
          "button{font-size:1rem;padding:.5rem 1rem}")
_STATUS = {
    links.SUBSCRIBED: "Receiving",
    links.NOT_SUBSCRIBED: "Not receiving: you have not agreed to these",
    links.OPTED_OUT: "Not receiving: you opted out",
    links.BLOCKED: "Not receiving: on a do-not-contact list",
    links.UNDELIVERABLE: "Not receiving: messages could not be delivered",
}
_CHANNEL = {"call": "Phone calls", "sms": "Text messages", "email": "Email"}
_PURPOSE = {"marketing": "Offers and news (marketing)",
            "informational": "Account and service messages (informational)"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _document(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{_e(title)}</h1>\n{body}</main>\n</body>\n</html>\n")


def _sender(link: links.Link) -> str:
    return "the sender" if link.brand == "default" else link.brand


def _date(value: datetime) -> str:
    return format_instant(value) or ""


def preference_page(view: links.PageView, url: str, saved: bool = False, error: str | None = None) -> str:
    link = view.link
    now = utc_now()
    snoozed = view.snooze_until is not None and view.snooze_until > now
    parts: list[str] = []
    if saved:
        parts.append("<p class=\"notice\" role=\"status\">Your choices are saved.</p>\n")
    if error:
        parts.append(f"<div class=\"notice\" role=\"alert\"><p>Nothing was saved: {_e(error)}</p></div>\n")
    parts.append(f"<p>Here is how {_e(_sender(link))} may contact you, and what you have told us. "
                 "Change anything below and choose <strong>Save my choices</strong>.</p>\n")
    if snoozed:
        parts.append(f"<p>All messages are paused until {_e(_date(view.snooze_until))}.</p>\n")

    rows = []
    for address in view.addresses:
        for scope in address.scopes:
            rows.append(f"<tr><td>{_e(address.display)}</td><td>{_e(_CHANNEL[scope.channel])}</td>"
                        f"<td>{_e(_PURPOSE[scope.purpose])}</td><td>{_e(_STATUS[scope.status])}</td></tr>\n")
    parts.append("<h2>Your channels</h2>\n<table>\n<caption>What each of your addresses receives now</caption>\n"
                 "<thead><tr><th scope=\"col\">Address</th><th scope=\"col\">Channel</th>"
                 "<th scope=\"col\">Messages</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n"
                 + "".join(rows) + "</tbody>\n</table>\n")

    form = [f"<form method=\"post\" action=\"{_e(url)}\">\n<h2>Change your choices</h2>\n"]
    for index, address in enumerate(view.addresses):
        for scope in address.scopes:
            name = f"scope.{address.ref}.{scope.channel}.{scope.purpose}"
            base = f"s{index}-{scope.channel}-{scope.purpose}"
            legend = (f"{_CHANNEL[scope.channel]} to {address.display}: {_PURPOSE[scope.purpose]}. "
                      f"Now: {_STATUS[scope.status]}")
            # Only the link's own address may be opted in: the link proves nothing about the others.
            opt_in = (f"<label class=\"choice\" for=\"{base}-in\"><input type=\"radio\" id=\"{base}-in\" "
                      f"name=\"{_e(name)}\" value=\"in\"> Yes. "
                      f"{_e(links.disclosure(link, address, scope.channel, scope.purpose))}</label>\n"
                      if address.own else "")
            form.append(
                f"<fieldset>\n<legend>{_e(legend)}</legend>\n"
                f"<label class=\"choice\" for=\"{base}-keep\"><input type=\"radio\" id=\"{base}-keep\" "
                f"name=\"{_e(name)}\" value=\"keep\" checked> No change</label>\n"
                + opt_in +
                f"<label class=\"choice\" for=\"{base}-out\"><input type=\"radio\" id=\"{base}-out\" "
                f"name=\"{_e(name)}\" value=\"out\"> No, do not contact me this way.</label>\n"
                "</fieldset>\n")

    options = [("none", "No preference")] + [(c, _CHANNEL[c]) for c in view.channels]
    current = view.preferred_channel or "none"
    form.append("<fieldset>\n<legend>How would you rather be contacted?</legend>\n")
    for value, label in options:
        checked = " checked" if value == current else ""
        form.append(f"<label class=\"choice\" for=\"preferred-{value}\"><input type=\"radio\" "
                    f"id=\"preferred-{value}\" name=\"preferred_channel\" value=\"{value}\"{checked}> "
                    f"{_e(label)}</label>\n")
    form.append("</fieldset>\n")

    tomorrow = (now + timedelta(days=1)).date().isoformat()
    form.append("<fieldset>\n<legend>Pause all messages</legend>\n"
                "<label class=\"choice\" for=\"snooze-until\">Pause every channel until (a date, "
                "YYYY-MM-DD): <input type=\"date\" id=\"snooze-until\" name=\"snooze_until\" "
                f"min=\"{tomorrow}\"></label>\n")
    if snoozed:
        form.append("<label class=\"choice\" for=\"snooze-clear\"><input type=\"checkbox\" id=\"snooze-clear\" "
                    "name=\"snooze_clear\" value=\"1\"> End the pause now</label>\n")
    form.append("</fieldset>\n")

    form.append("<fieldset>\n<legend>Opt out of everything</legend>\n"
                "<label class=\"choice\" for=\"opt-out-all\"><input type=\"checkbox\" id=\"opt-out-all\" "
                f"name=\"opt_out_all\" value=\"1\"> No calls, texts or emails from {_e(_sender(link))}, "
                "for any purpose, at any of the addresses above. This overrides every Yes above.</label>\n"
                "</fieldset>\n")
    form.append("<p><button type=\"submit\">Save my choices</button></p>\n</form>\n")
    parts.append("".join(form))
    parts.append(f"<p>This link works until {_e(_date(link.expires_at))}.</p>\n")
    return _document("Your contact preferences", "".join(parts))


def unsubscribe_confirm(link: links.Link, url: str) -> str:
    """What a person who opens the one-click URL in a browser sees: a button, because a GET (a mail
    scanner following links) must never unsubscribe anyone (RFC 8058)."""
    what = "marketing email" if link.address.kind == "email" else "marketing calls and texts"
    body = (f"<p>Stop {_e(what)} from {_e(_sender(link))}? Account and service messages are not affected.</p>\n"
            f"<form method=\"post\" action=\"{_e(url)}\">\n"
            "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
            "<p><button type=\"submit\">Unsubscribe</button></p>\n</form>\n")
    return _document("Unsubscribe", body)


def unsubscribed(link: links.Link) -> str:
    what = "marketing email" if link.address.kind == "email" else "marketing calls and texts"
    return _document("You are unsubscribed",
                     f"<p role=\"status\">You will get no more {_e(what)} from {_e(_sender(link))}.</p>\n")


def message(title: str, text: str) -> str:
    """An error page: the message only, never the address or the brand of the link."""
    return _document(title, f"<p role=\"alert\">{_e(text)}</p>\n")
