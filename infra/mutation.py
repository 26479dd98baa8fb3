"""Mutation testing of the decision core (functions/registry/domain) with mutmut 3.

    python -m infra.mutation run [NAME ...]   every mutant (`make mutation`), or only the named
                                              ones (globs allowed); prints the score and every
                                              mutant the tests let live, with its file, line and diff
    python -m infra.mutation sample [N]       a fixed seed's N mutants (`make test-mutation-sample`):
                                              fails unless each is killed or listed as equivalent
    python -m infra.mutation show NAME        one mutant: where it is and what it changes
    python -m infra.mutation apply NAME       write it into the source, to watch a test fail (git undoes it)
    python -m infra.mutation report           the last run's score and survivors, running nothing

mutmut's settings are in pyproject.toml ([tool.mutmut]); docs/testing.md says how to read a
survivor, how to kill one, and lists the mutants no test can kill (``## Equivalent mutants``).

This is a thin driver, not a mutation tool: mutmut writes, runs and records the mutants. It
adapts mutmut to this repository in two ways, both checked when the driver starts:

- Names. mutmut names a mutant after its file's path with a leading ``src.`` dropped; the tests
  import ``registry.domain...`` from ``functions/`` (pytest's ``pythonpath``), so ``functions.`` is
  dropped too. Without that no mutant would ever be switched on.
- One operator more: ``max(...)`` <-> ``min(...)``. mutmut has none for them, and "the latest
  opt-out decides" is a ``max`` (issue 14: ``min`` there made opt-out, consent, opt-out allow).

mutmut keeps its work in mutants/ and tests again only the mutants of functions whose code
changed; the driver also tests every survivor again once the tests or the code change (a new
test may kill it), but for those docs/testing.md lists as equivalent, and has mutmut learn again
which tests reach which function. A killed verdict is kept while the
function is unchanged, even if the tests change: `run --fresh` (`make mutation FRESH=1`) forgets
them all, and the sample stage always tests its mutants anew.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Where mutmut works (its mutants/ is there): the repository, or the sample's own copy of it.
WORK = ROOT
SAMPLE_WORK = ROOT / ".local" / "mutation-sample"
DOMAIN = Path("functions/registry/domain")
DOCS = ROOT / "docs" / "testing.md"
SOURCE_PREFIX = "functions."  # the import root: pytest's pythonpath has functions/ on it

# The sample stage of `make test`: this many mutants, drawn with this seed from every mutant.
SAMPLE_SIZE = 40
SAMPLE_SEED = 14

KILLED = frozenset({"killed", "timeout", "caught by type check"})  # a test (or the clock) noticed


# --- mutmut, adapted (runs in the child process) -----------------------------------------------

def _adapt_mutmut() -> None:
    import libcst as cst
    from mutmut import __main__ as mutmut_main
    from mutmut.mutation import file_mutation, mutators
    from mutmut.utils import format_utils

    plain = format_utils.get_mutant_name

    def get_mutant_name(relative_source_path: Path, mutant_method_name: str) -> str:
        name = plain(relative_source_path, mutant_method_name)
        return name[len(SOURCE_PREFIX):] if name.startswith(SOURCE_PREFIX) else name

    for module in (format_utils, mutmut_main, file_mutation):
        module.get_mutant_name = get_mutant_name  # type: ignore[attr-defined]
    wanted = "registry.domain.decide.x_decide__mutmut_1"
    got = mutmut_main.get_mutant_name(DOMAIN / "decide.py", "x_decide__mutmut_1")
    if got != wanted:
        raise SystemExit(f"infra/mutation.py: mutmut names a domain mutant {got!r}, expected {wanted!r}")

    swaps = {"max": "min", "min": "max"}

    def operator_min_max(node: cst.Call) -> Iterator[cst.Call]:
        """``max(...)`` -> ``min(...)`` and back."""
        if isinstance(node.func, cst.Name) and node.func.value in swaps:
            yield node.with_changes(func=node.func.with_changes(value=swaps[node.func.value]))

    operators = mutators.mutation_operators
    if not isinstance(operators, list) or file_mutation.mutation_operators is not operators:
        raise SystemExit("infra/mutation.py: mutmut's operator list moved; the max/min operator cannot be added")
    operators.append((cst.Call, operator_min_max))


def _mutmut_main(args: list[str]) -> None:
    """The child process: mutmut's own command line, adapted."""
    _adapt_mutmut()
    from mutmut.__main__ import cli

    cli.main(args=args, prog_name="mutmut")


def _mutmut(*args: str, quiet: bool = False) -> int:
    """Run mutmut in a child process from the repository root, printing its output without the
    spinner's frames (they would fill a CI log)."""
    # infra.mutation is also a pytest plugin: it runs a mutant's tests fastest first.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_ADDOPTS": "-p infra.mutation"}
    env.pop("PYTHONPATH", None)  # the tests must import the mutated copy in mutants/, never functions/
    proc = subprocess.Popen([sys.executable, "-m", "infra.mutation", "_mutmut", *args], cwd=WORK, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    tail: list[str] = []
    last_progress = 0.0
    buffer = b""
    while chunk := os.read(proc.stdout.fileno(), 65536):
        buffer += chunk
        *frames, buffer = re.split(rb"[\r\n]", buffer)
        for raw in frames:
            line = raw.decode(errors="replace").rstrip()
            if not line:
                continue
            tail = (tail + [line])[-60:]
            if line[0] in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏":  # the spinner: show progress now and then
                if re.match(r"^\S \d+/\d+ ", line) and time.monotonic() - last_progress > 30:
                    last_progress = time.monotonic()
                    print("   ", line[2:], flush=True)
                continue
            if not quiet and not re.match(r"^[🎉🙁🫥⏰🤔🔇🧙💥?] ", line):
                print("   ", line, flush=True)
    code = proc.wait()
    if code != 0 and quiet:
        print("\n".join(tail))
    return code


# --- reading the results (the parent) ----------------------------------------------------------

@dataclass(frozen=True)
class Mutant:
    name: str  # registry.domain.<module>.x_<function>__mutmut_<n> (methods: xǁClassǁmethod)
    path: Path  # functions/registry/domain/<module>.py
    status: str  # mutmut's word: killed, survived, no tests, timeout, ...

    @property
    def function(self) -> str:
        """module.function or module.Class.method, as docs/testing.md names it."""
        from mutmut.utils.format_utils import orig_function_and_class_names_from_key

        function, cls = orig_function_and_class_names_from_key(self.name)
        module = self.name.split(".x_")[0].split(".xǁ")[0]
        return f"{module}.{cls}.{function}" if cls else f"{module}.{function}"


@dataclass(frozen=True)
class Change:
    line: int  # in the source file, of the first changed line
    old: str  # the changed lines, stripped and joined by a space
    new: str
    diff: str


def _mutants() -> list[Mutant]:
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    out = []
    with _at_root():
        for path in sorted((WORK / DOMAIN).rglob("*.py")):
            rel = path.relative_to(WORK)
            data = SourceFileMutationData(path=rel)
            data.load()
            for name, code in data.exit_code_by_key.items():
                out.append(Mutant(name, rel, status_by_exit_code[code]))
    return sorted(out, key=lambda m: (str(m.path), _natural(m.name)))


def _natural(name: str) -> tuple[str, int]:
    head, _, n = name.rpartition("__mutmut_")
    return head, int(n) if n.isdigit() else 0


class _at_root:
    """mutmut reads mutants/ relative to the working directory."""

    def __enter__(self) -> None:
        self.old = os.getcwd()
        os.chdir(WORK)

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.old)


def _function_line(m: Mutant) -> int:
    """The line of the mutated function's ``def`` in the source (the last of that name: overloads
    come first)."""
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    name, cls = orig_function_and_class_names_from_key(m.name)
    tree = ast.parse((WORK / m.path).read_text())
    body: Iterable[ast.stmt] = tree.body
    if cls:
        body = next((n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), [])
    lines = [n.lineno for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name]
    return lines[-1] if lines else 0


def _change(m: Mutant) -> Change:
    """What the mutant changes, and the line of the file where the change begins."""
    import libcst as cst
    from mutmut.mutation.diff_apply import (
        get_diff_for_mutant,
        read_functions_from_index,
        read_mutants_module,
        read_original_function,
    )

    with _at_root():
        diff = get_diff_for_mutant(m.name, path=m.path)
        functions = read_functions_from_index(m.name, m.path)
        original = functions[0] if functions else read_original_function(read_mutants_module(m.path), m.name)
    # The diff is of the function's text as mutmut holds it (comments above it included): its
    # `def` line there and in the file give the offset.
    text = cst.Module([original]).code.strip().splitlines()
    def_index = next((i for i, line in enumerate(text, 1) if re.match(r"\s*(async\s+)?def ", line)), 1)
    first = None
    old_no = 0
    olds, news = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            old_no = int(re.match(r"@@ -(\d+)", line).group(1)) - 1  # type: ignore[union-attr]
            continue
        if line.startswith("+"):
            news.append(line[1:].strip())
            continue
        old_no += 1
        if line.startswith("-"):
            olds.append(line[1:].strip())
            first = old_no if first is None else first
    def_line = _function_line(m)
    line_no = def_line + (first or def_index) - def_index if def_line else 0
    return Change(line_no, " ".join(olds), " ".join(news), diff)


# --- equivalent mutants, as docs/testing.md lists them ------------------------------------------

_EQUIVALENT = re.compile(r"^- `(?P<function>[\w.ǁ*]+)`: `(?P<old>.*)` → `(?P<new>.*?)`(?: — |$)")


@dataclass(frozen=True)
class Equivalent:
    function: str
    old: str
    new: str
    line: int  # in docs/testing.md

    def matches(self, m: Mutant, change: Change) -> bool:
        return all(_glob(pattern).fullmatch(text) for pattern, text in
                   ((self.function, m.function), (self.old, change.old), (self.new, change.new)))


def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` stands for any text; every other character for itself (code is full of ``[`` and ``?``)."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _equivalents() -> list[Equivalent]:
    """The list under ``## Equivalent mutants`` in docs/testing.md: one bullet per mutant (or kind
    of mutant: ``*`` stands for any text), ``- `module.function`: `old code` → `new code` — why
    no test can tell them apart``."""
    out, inside = [], False
    for number, line in enumerate(DOCS.read_text().splitlines(), 1) if DOCS.exists() else ():
        if line.startswith("## "):
            inside = line.strip() == "## Equivalent mutants"
        elif inside and (match := _EQUIVALENT.match(line)):
            out.append(Equivalent(match["function"], match["old"], match["new"], number))
    return out


# --- the report ---------------------------------------------------------------------------------

def _report(mutants: list[Mutant], *, all_mutants: bool) -> int:
    """Print the score and every mutant left alive; 1 when one is neither killed nor listed as
    equivalent."""
    if not mutants:
        print("no mutants recorded: run `make mutation` first")
        return 1
    equivalents = _equivalents()
    unchecked = [m for m in mutants if m.status == "not checked"]
    alive = [m for m in mutants if m.status not in KILLED and m.status != "not checked"]
    unexplained, explained = [], []
    used: set[Equivalent] = set()
    for m in alive:
        change = _change(m)
        why = next((e for e in equivalents if e.matches(m, change)), None)
        if why is None:
            unexplained.append((m, change))
        else:
            used.add(why)
            explained.append((m, change, why))

    killed = len(mutants) - len(alive) - len(unchecked)
    scope = "domain" if all_mutants else "sample"
    print()
    print(f"== mutation score ({scope}, {DOMAIN}): {killed} / {len(mutants)} killed = "
          f"{100 * killed / len(mutants):.1f}%; {len(explained)} equivalent (docs/testing.md), "
          f"{len(unexplained)} unexplained survivor(s) ==")
    by_status: dict[str, int] = {}
    for m in mutants:
        by_status[m.status] = by_status.get(m.status, 0) + 1
    print("   ", ", ".join(f"{status}: {n}" for status, n in sorted(by_status.items())))
    if unchecked:
        print(f"    {len(unchecked)} mutant(s) not tested yet (an interrupted run): the score counts them as alive")
    if explained:
        print(f"\n-- equivalent ({len(explained)}), docs/testing.md says why --")
        for m, change, why in explained:
            print(f"{m.path}:{change.line}  {m.name}  (docs/testing.md:{why.line})")
    if unexplained:
        print(f"\n-- survivors ({len(unexplained)}): kill each with a test that states its rule, or list it "
              "as equivalent in docs/testing.md --")
        for m, change in unexplained:
            print(f"\n{m.path}:{change.line}  {m.name}  [{m.status}]")
            print(f"- `{m.function}`: `{change.old}` → `{change.new}`")
            print("\n".join("    " + line for line in change.diff.splitlines()[2:]))
    if all_mutants:
        stale = [e for e in equivalents if e not in used]
        for e in stale:
            print(f"note: docs/testing.md:{e.line} lists an equivalent mutant that no longer survives: "
                  f"{e.function}: {e.old} → {e.new}")
    return 1 if unexplained or unchecked else 0


# --- commands -------------------------------------------------------------------------------------

# What a verdict depends on besides the mutant itself: the tests, and the code they run.
INPUTS = ("tests/conftest.py", "tests/unit", "tests/property", "functions")
INPUTS_SEEN = Path("mutants/infra-mutation-inputs.json")  # (in WORK) their digest at the last run


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = WORK / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(WORK)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _start_afresh() -> None:
    if (WORK / "mutants").exists():
        shutil.rmtree(WORK / "mutants")


def _children() -> str:
    return os.environ.get("MUTATION_CHILDREN", str(min(2, os.cpu_count() or 1)))


def _generate() -> list[Mutant]:
    """Write the mutants (mutmut skips unchanged files) without running any: `mutmut run` on a
    name no mutant has would stop after the stats run, so the generation step is called alone."""
    code = _mutmut("_generate", quiet=True)
    if code != 0:
        raise SystemExit(code)
    return _mutants()


def cmd_run(names: list[str], fresh: bool) -> int:
    started = time.monotonic()
    if fresh:
        _start_afresh()
    # Survivors to test again once the tests change: not those docs/testing.md lists as equivalent
    # (no test can kill them, and each costs every covering test, the property tests included).
    equivalents = _equivalents()
    survivors = [m.name for m in _mutants() if m.status not in KILLED and m.status != "not checked"
                 and not any(e.matches(m, _change(m)) for e in equivalents)]
    inputs = _inputs_digest()
    seen = (WORK / INPUTS_SEEN).read_text() if (WORK / INPUTS_SEEN).exists() else None
    if seen != inputs:
        # mutmut learns which tests reach which function once, and after that only for new tests:
        # a new function, or an old test reaching a function anew, would go unseen. Learn it all again.
        (WORK / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    if names:
        code = _mutmut("run", "--max-children", _children(), *names)
    else:
        # mutmut keeps every verdict it has; once the tests or the code change, survivors are tested again.
        code = _mutmut("run", "--max-children", _children())
        if code == 0 and survivors and seen != inputs:
            print(f"    the tests or the code changed: testing the {len(survivors)} survivor(s) of the last run again")
            code = _mutmut("run", "--max-children", _children(), *survivors)
    if code == 0 and not names:
        (WORK / INPUTS_SEEN).write_text(inputs)
    if code != 0:
        print(f"mutmut failed (exit {code})")
        return code
    mutants = _mutants()
    if names:
        import fnmatch

        mutants = [m for m in mutants if any(fnmatch.fnmatchcase(m.name, n) for n in names)]
    result = _report(mutants, all_mutants=not names)
    print(f"\n(make mutation took {time.monotonic() - started:.0f} s)")
    return result


# What the sample's copy of the repository holds: what mutmut copies, and the tests read (with
# [tool.mutmut]'s also_copy: babel.cfg, which tests/unit/test_catalogues.py reads, is only there).
SAMPLE_COPY = ("functions", "tests", "infra", "docs", "template.yaml")


def _sample_copy() -> tuple[str, ...]:
    import tomllib

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    also = settings.get("tool", {}).get("mutmut", {}).get("also_copy", [])
    return tuple(dict.fromkeys((*SAMPLE_COPY, *also)))


def _sample_workspace() -> None:
    """A fresh copy of the repository for the sample, judged by the unit tests alone: quick (the
    property tests are most of a full run's time), and its verdicts stay out of mutants/."""
    global WORK
    if SAMPLE_WORK.exists():
        shutil.rmtree(SAMPLE_WORK)
    SAMPLE_WORK.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
    for name in _sample_copy():
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, SAMPLE_WORK / name, ignore=skip)
        else:
            shutil.copy2(source, SAMPLE_WORK / name)
    settings = (ROOT / "pyproject.toml").read_text()
    unit_only = re.sub(r'(?m)^pytest_add_cli_args_test_selection = .*$',
                       'pytest_add_cli_args_test_selection = ["tests/unit"]', settings)
    if unit_only == settings and '["tests/unit"]' not in settings:
        raise SystemExit("infra/mutation.py: no pytest_add_cli_args_test_selection in [tool.mutmut] to narrow")
    (SAMPLE_WORK / "pyproject.toml").write_text(unit_only)
    WORK = SAMPLE_WORK


def cmd_sample(size: int) -> int:
    """A fixed seed's sample of the domain's mutants, each to be killed by the unit tests or listed
    as equivalent in docs/testing.md."""
    started = time.monotonic()
    _sample_workspace()
    every = _generate()
    pool = sorted((m.name for m in every), key=_natural)
    chosen = sorted(random.Random(SAMPLE_SEED).sample(pool, min(size, len(pool))), key=_natural)
    print(f"== mutation sample: {len(chosen)} of the domain's {len(pool)} mutants (seed {SAMPLE_SEED}), "
          "judged by tests/unit ==")
    code = _mutmut("run", "--max-children", _children(), *chosen)
    if code != 0:
        print(f"mutmut failed (exit {code})")
        return code
    result = _report([m for m in _mutants() if m.name in set(chosen)], all_mutants=False)
    print(f"\n(the sample took {time.monotonic() - started:.0f} s)")
    return result


def cmd_show(name: str) -> int:
    mutant = next((m for m in _mutants() if m.name == name), None)
    if mutant is None:
        print(f"no mutant {name} in mutants/ (run `make mutation` first)")
        return 1
    change = _change(mutant)
    print(f"{mutant.path}:{change.line}  {mutant.name}  [{mutant.status}]")
    print(f"- `{mutant.function}`: `{change.old}` → `{change.new}`")
    print(change.diff)
    return 0


def _generate_only() -> None:
    """The child process: copy the tree and write the mutants, as `mutmut run` begins."""
    _adapt_mutmut()
    from mutmut import __main__ as mutmut_main

    os.makedirs("mutants", exist_ok=True)
    mutmut_main.copy_src_dir()
    mutmut_main.copy_also_copy_files()
    mutmut_main.create_mutants(int(_children()))


# --- a pytest plugin for mutmut's runs (the driver sets PYTEST_ADDOPTS="-p infra.mutation") ----

# A property test's examples under mutation: enough to catch what its rule says, few enough that
# a mutant's run stays seconds (the suite's 500 examples are most of a full run's time). The same
# examples every run (derandomize, no example database): a verdict must not depend on luck or on
# the mutants tried before; no health check may fail a test because the machine is busy.
MUTATION_EXAMPLES = 100


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    """Under mutmut (the driver loads this plugin): property tests with the settings above, and a
    mutant's tests fastest first (mutmut stops at the first failure, -x), so a mutant a quick unit
    test kills need not wait for the property tests."""
    from hypothesis import HealthCheck, Phase, settings

    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None:
            test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
                current, max_examples=min(current.max_examples, MUTATION_EXAMPLES), derandomize=True,
                database=None, phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    if not os.environ.get("MUTANT_UNDER_TEST", "").startswith("registry."):
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, float("inf")))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["_mutmut", "_generate"]:
        _generate_only()
        return 0
    if argv[:1] == ["_mutmut"]:
        _mutmut_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m infra.mutation", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="every mutant, or the named ones")
    run.add_argument("names", nargs="*")
    run.add_argument("--fresh", action="store_true", help="forget every verdict and start again")
    sample = sub.add_parser("sample", help="a fixed seed's sample")
    sample.add_argument("size", nargs="?", type=int, default=int(os.environ.get("MUTATION_SAMPLE", SAMPLE_SIZE)))
    show = sub.add_parser("show", help="one mutant's file, line and diff")
    show.add_argument("name")
    apply = sub.add_parser("apply", help="write one mutant into the source (undo it with git)")
    apply.add_argument("name")
    sub.add_parser("report", help="the last run's score and survivors")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.command == "run":
        return cmd_run(args.names, args.fresh)
    if args.command == "sample":
        return cmd_sample(args.size)
    if args.command == "show":
        return cmd_show(args.name)
    if args.command == "apply":
        return _mutmut("apply", args.name)
    return _report(_mutants(), all_mutants=True)


if __name__ == "__main__":
    raise SystemExit(main())
