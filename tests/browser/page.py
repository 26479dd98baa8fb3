"""What the browser tests read off and do on the preference page, in one place: when the page's
markup changes, this is the file to adapt.

The form's field names (``scope.<ref>.<channel>.<purpose>`` with values keep/in/out,
``opt_out_all``) are the page's contract with its own POST handler, so the tests find the choices
by them; what the person reads (statuses, the saved notice) is read as text.
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("REGISTRY_SCREENSHOTS_DIR", ROOT / "docs" / "screenshots"))

DESKTOP = (1280, 800)
PHONE = (390, 844)
NARROW_PHONE = (320, 640)
SIZES = {"desktop": DESKTOP, "phone": PHONE, "phone-320": NARROW_PHONE}

MIN_TAP = 44  # px, WCAG 2.5.5 (target size, enhanced) and the "tap targets of at least 44 px"

STATUS = {
    "subscribed": "Receiving",
    "opted_out": "Not receiving: you opted out",
    "needs_written": "Not receiving: these need your agreement here",
}


@dataclass(frozen=True)
class Row:
    address: str
    channel: str
    purpose: str
    status: str


def rows(page) -> list[Row]:
    """Every channel the page lists, with its status, as the person reads them."""
    cells = page.locator("table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))")
    return [Row(*row) for row in cells]


def status_of(page, channel: str, purpose: str, index: int = 0) -> str:
    """The status of one (channel, purpose) of the index-th address on the page, read off its row."""
    channel_words = {"call": "Phone calls", "sms": "Text messages", "email": "Email"}[channel]
    purpose_words = {"marketing": "marketing", "informational": "informational"}[purpose]
    addresses = list(dict.fromkeys(row.address for row in rows(page)))
    matching = [row for row in rows(page) if row.address == addresses[index] and row.channel == channel_words
                and purpose_words in row.purpose]
    assert len(matching) == 1, (channel, purpose, index, rows(page))
    return matching[0].status


def choice(page, channel: str, purpose: str, value: str, index: int = 0):
    """The radio button that sets (channel, purpose) of the index-th address to keep/in/out."""
    names = page.locator("input[type=radio][value=keep]").evaluate_all("inputs => inputs.map(i => i.name)")
    refs = list(dict.fromkeys(name.split(".")[1] for name in names if name.startswith("scope.")))
    return page.locator(f'input[type=radio][name="scope.{refs[index]}.{channel}.{purpose}"][value="{value}"]')


def is_phone(page) -> bool:
    return (page.viewport_size or {}).get("width", DESKTOP[0]) < 600


def press(page, target) -> None:
    """A tap on a phone (a click on a desktop) where the person sees ``target``.

    On a phone the touch goes to the centre of the element as it is on the screen. Playwright's
    own ``tap()`` first checks the point with the layout viewport's coordinates, which on a phone
    differ from the screen's wherever the page is wider than the phone (today's page is): it
    would wait forever, though a person's tap lands. Whether a tap took is checked by the caller.
    """
    if not is_phone(page):
        target.click()
        return
    target.evaluate("e => e.scrollIntoView({block: 'center', inline: 'nearest'})")
    box = target.bounding_box()
    assert box is not None, target
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def tap(page, control) -> None:
    """Choose a radio button or checkbox as a person does: on its label; and check that it took."""
    press(page, page.locator(f'label[for="{control.get_attribute("id")}"]'))
    assert control.is_checked(), f"a tap on the label of {control} did not choose it"


def save(page) -> None:
    """Press "Save my choices" and wait for the page the redirect after the POST leads to."""
    with page.expect_navigation():
        press(page, page.locator("#save"))  # "Save my choices", in any language


def horizontal_overflow(page) -> dict:
    """How much wider the document is than the window (0: no sideways scrolling)."""
    return page.evaluate("""() => {
        const d = document.documentElement;
        return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, overflow: d.scrollWidth - d.clientWidth};
    }""")


def cut_off(page, selector: str) -> list[str]:
    """The elements (by their text) that reach past the window's right edge; an element clipped on
    purpose (a visually hidden header kept for screen readers) is not drawn, so not cut off."""
    return page.locator(selector).evaluate_all("""(els) => els.filter(e => {
        for (let a = e; a; a = a.parentElement) {
            const st = getComputedStyle(a);
            if (st.clipPath !== "none" || (st.clip && st.clip !== "auto")) return false;
        }
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > document.documentElement.clientWidth + 0.5 || r.left < -0.5);
    }).map(e => e.innerText.trim().slice(0, 60))""")


def small_tap_targets(page, minimum: int = MIN_TAP) -> list[dict]:
    """Every form control whose tap target is smaller than minimum x minimum px: a radio button or
    checkbox counts with its label (a tap on the label chooses it), a button or field alone."""
    return page.evaluate("""(minimum) => {
        const small = [];
        for (const el of document.querySelectorAll('input, button, select, textarea, a[href]')) {
            if (el.type === 'hidden') continue;
            let box = el.getBoundingClientRect();
            const label = el.labels && el.labels[0];
            if (label) {
                const l = label.getBoundingClientRect();
                const left = Math.min(box.left, l.left), top = Math.min(box.top, l.top);
                box = {width: Math.max(box.right, l.right) - left, height: Math.max(box.bottom, l.bottom) - top};
            }
            if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
                small.push({control: el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '')
                                     + (el.name ? ' ' + el.name : ''),
                            text: ((label || el).innerText || el.value || '').trim().slice(0, 40),
                            width: Math.round(box.width), height: Math.round(box.height)});
            }
        }
        return small;
    }""", minimum)


# --- axe-core ------------------------------------------------------------------------------------

FAILING_IMPACTS = ("serious", "critical")


@dataclass
class AxeRun:
    engine: str  # axe-core's version
    rules_passed: int  # rules that applied to the page and found nothing wrong
    violations: list[dict]

    def failing(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in FAILING_IMPACTS]

    def summary(self, where: str) -> str:
        impacts = {impact: sum(v["impact"] == impact for v in self.violations)
                   for impact in ("critical", "serious", "moderate", "minor")}
        counted = ", ".join(f"{n} {impact}" for impact, n in impacts.items())
        return (f"axe-core {self.engine} on {where}: {self.rules_passed} rules passed, {len(self.violations)} "
                f"violations ({counted})" + (f"\n{axe_report(self.violations)}" if self.violations else ""))


def axe(page) -> AxeRun:
    """axe-core on the page as it is now, from the axe.min.js that the pip package
    axe-playwright-python carries: injected with the DevTools protocol, which the page's content
    security policy (no script) does not stop, and run on the whole document."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})
        .then(r => ({engine: r.testEngine.version, passed: r.passes.length, violations: r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}))}))""")
    return AxeRun(result["engine"], result["passed"], result["violations"])


def axe_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s)) {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node["summary"]:
                lines.extend("      " + line for line in node["summary"].splitlines())
    return "\n".join(lines)


def screenshot(page, name: str) -> tuple[Path, bool]:
    """The whole page as docs/screenshots/<name>.png (a fixed name: the README shows it); on a
    phone as the phone shows it, its width only (what reaches past it is cut off, as on the phone).

    The file is rewritten only when the page is not the one it shows: the PNG carries a key of
    what is drawn (``drawn``: the markup with its link, field names and digits blanked; the
    link's expiry date changes with each run, the page does not), so running the stage again
    leaves the working tree clean.
    Answers (path, whether it was written)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    markup = page.evaluate("document.documentElement.outerHTML")
    size = page.viewport_size or {}
    scale = page.evaluate("window.devicePixelRatio")
    key = hashlib.sha256(f"{size.get('width')}x{size.get('height')}@{scale}\n{drawn(markup)}".encode()).hexdigest()
    if path.exists() and _png_text(path.read_bytes()).get(KEY) == key:
        return path, False
    options: dict = {"full_page": True, "animations": "disabled"}
    if is_phone(page):
        height = page.evaluate("document.documentElement.scrollHeight")
        options["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": height}
    path.write_bytes(_with_png_text(page.screenshot(**options), KEY, key))
    return path, True


KEY = "registry-page-key"


def drawn(markup: str) -> str:
    """The page's markup less what changes from run to run without changing what is drawn: the
    link's token, the form fields' names (they carry a per-link reference), every digit (the
    link's expiry, the date picker's minimum), and what Playwright itself adds."""
    markup = markup.replace(' style=""', "")
    markup = re.sub(r'\s(name|action|nonce)="[^"]*"', "", markup)
    markup = re.sub(r"/p/[^\"'/?\s<]+", "/p/TOKEN", markup)
    return re.sub(r"\d", "0", markup)


def _png_chunks(png: bytes):
    at = 8
    while at < len(png):
        length = struct.unpack(">I", png[at:at + 4])[0]
        yield at, png[at + 4:at + 8], png[at + 8:at + 8 + length]
        at += 12 + length


def _png_text(png: bytes) -> dict[str, str]:
    """The PNG's tEXt entries."""
    if png[:8] != PNG_SIGNATURE:
        return {}
    entries = {}
    for _, kind, data in _png_chunks(png):
        if kind == b"tEXt" and b"\0" in data:
            name, _, value = data.partition(b"\0")
            entries[name.decode("latin-1")] = value.decode("latin-1")
    return entries


def _with_png_text(png: bytes, name: str, value: str) -> bytes:
    """The PNG with a tEXt entry added before its end."""
    assert png[:8] == PNG_SIGNATURE
    end = next(at for at, kind, _ in _png_chunks(png) if kind == b"IEND")
    data = name.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:end] + chunk + png[end:]


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, path
    return struct.unpack(">II", head[16:24])
