"""Mutation testing of the core modules with mutmut: a score per module, equivalent mutants excluded.

    python -m bench.mutation [MODULE ...] [--jobs N] [--rescore]

Each module of ``bench/mutation.toml`` is mutated in its own scratch copy of the repository
(under ``bench/out/mutation/``) and run against its own test folders only, so a mutant counts as
caught only when the tests written for that module catch it. Surviving mutants that match an entry
of ``bench/equivalent_mutants.toml`` (same function, same line before and after) are set aside as
equivalent; an entry that matches no survivor any more is reported as stale. Prints one line per
module and then every mutant still alive with its change; exits 1 when a module is under the target.
Slow (minutes per module): run it with ``make mutation`` before resolving an issue that touches
these modules, not in ``make test``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bench" / "mutation.toml"
EQUIVALENTS = ROOT / "bench" / "equivalent_mutants.toml"
SCRATCH = ROOT / "bench" / "out" / "mutation"
TARGET = 90.0
# A timeout is a mutant the tests stopped (an endless loop); the others are not caught.
CAUGHT = {"killed", "timeout", "caught by type check"}
# What the copy needs besides app/ (which mutmut copies itself) and tests/.
ALSO_COPY = ["course", "quizzes", "migrations", "pytest.ini", "babel.cfg"]
IGNORED = shutil.ignore_patterns(".venv", ".git", "out", "mutants", "instance", "__pycache__", ".pytest_cache")


@dataclass(frozen=True)
class Equivalent:
    module: str
    function: str
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class Mutant:
    name: str
    status: str
    before: str = ""
    after: str = ""

    @property
    def function(self) -> str:
        return function_of(self.name)


@dataclass
class ModuleScore:
    module: str
    mutants: list[Mutant]
    equivalent: list[Mutant] = field(default_factory=list)
    stale: list[Equivalent] = field(default_factory=list)

    @property
    def counted(self) -> list[Mutant]:
        return [m for m in self.mutants if m not in self.equivalent]

    @property
    def alive(self) -> list[Mutant]:
        return [m for m in self.counted if m.status not in CAUGHT]

    @property
    def score(self) -> float:
        counted = len(self.counted)
        return 100.0 * (counted - len(self.alive)) / counted if counted else 100.0


def function_of(mutant_name: str) -> str:
    """``app.cohorts.pace.xǁPaceDayǁbuild__mutmut_14`` -> ``PaceDay.build``; ``x_schedule__mutmut_3`` -> ``schedule``."""
    local = mutant_name.rsplit(".", 1)[-1]
    local = re.sub(r"__mutmut_\d+$", "", local)
    if local.startswith("xǁ"):
        return ".".join(part for part in local[2:].split("ǁ") if part)
    return local.removeprefix("x_")


def changed_lines(diff: str) -> tuple[str, str]:
    """The lines a mutant removed and added, each side stripped and joined by one space."""
    lines = diff.splitlines()
    removed = [line[1:].strip() for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("+++")]
    return " ".join(removed), " ".join(added)


def load_modules(path: Path = CONFIG) -> dict[str, list[str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {module: spec["tests"] for module, spec in data["modules"].items()}


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Equivalent(**entry) for entry in data.get("equivalent", [])]


def set_aside(module: str, mutants: list[Mutant], equivalents: list[Equivalent]) -> ModuleScore:
    """Match survivors against the listed equivalents of ``module``; unmatched entries are stale."""
    result = ModuleScore(module, mutants)
    for entry in (e for e in equivalents if e.module == module):
        matches = [m for m in mutants if m.status not in CAUGHT and m not in result.equivalent
                   and (m.function, m.before, m.after) == (entry.function, entry.before, entry.after)]
        if matches:
            result.equivalent.append(matches[0])
        else:
            result.stale.append(entry)
    return result


def _prepare(module: str, tests: list[str]) -> Path:
    """A fresh copy of the repository whose setup.cfg tells mutmut what to mutate and which tests to run."""
    work = _workdir(module)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ["app", "tests", *ALSO_COPY]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=IGNORED)
        else:
            shutil.copy2(source, work / name)
    (work / "setup.cfg").write_text(
        "[mutmut]\nsource_paths = app\n"
        f"only_mutate = {module}\n"
        "pytest_add_cli_args_test_selection =\n" + "".join(f"    {t}\n" for t in tests)
        + "also_copy =\n" + "".join(f"    {name}\n" for name in ALSO_COPY),
        encoding="utf-8",
    )
    return work


def _mutmut(work: Path, *args: str) -> str:
    command = [sys.executable, "-m", "mutmut", *args]
    return subprocess.run(command, cwd=work, capture_output=True, text=True, check=True).stdout


def _workdir(module: str) -> Path:
    return SCRATCH / module.replace("/", "_").removesuffix(".py") / "main"


def run_module(module: str, tests: list[str], jobs: int) -> list[Mutant]:
    work = _prepare(module, tests)
    log = work.parent / "run.log"
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
                              cwd=work, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise SystemExit(f"mutmut failed on {module} (exit {done.returncode}); see {log}")
    return read_results(work)


def read_results(work: Path) -> list[Mutant]:
    """The mutants of the last run in ``work``, with the change of each one not caught."""
    mutants = []
    for line in _mutmut(work, "results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        before, after = changed_lines(_mutmut(work, "show", name)) if status not in CAUGHT else ("", "")
        mutants.append(Mutant(name, status, before, after))
    return mutants


def report(scores: list[ModuleScore]) -> bool:
    """Print the table and what is still alive; return whether every module reaches the target."""
    print(f"{'module':38} {'mutants':>7} {'equiv.':>6} {'alive':>5} {'score':>7}")
    for s in scores:
        print(f"{s.module:38} {len(s.mutants):7} {len(s.equivalent):6} {len(s.alive):5} {s.score:6.1f} %")
    for s in scores:
        for m in s.alive:
            print(f"\nALIVE {m.name} ({m.status})\n  - {m.before}\n  + {m.after}")
        for e in s.stale:
            print(f"\nSTALE equivalent in {e.module}, {e.function}: {e.after!r} no longer survives; drop or update it")
    return all(s.score >= TARGET for s in scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules of bench/mutation.toml (all by default)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once")
    parser.add_argument("--rescore", action="store_true",
                        help="score the last run of each module again (after editing the equivalents), without running mutmut")
    args = parser.parse_args()
    configured = load_modules()
    unknown = [m for m in args.modules if m not in configured]
    if unknown:
        raise SystemExit(f"not in bench/mutation.toml: {', '.join(unknown)}")
    equivalents = load_equivalents()
    scores = []
    for module in args.modules or configured:
        if args.rescore:
            mutants = read_results(_workdir(module))
        else:
            print(f"mutating {module} against {' '.join(configured[module])} ...", flush=True)
            mutants = run_module(module, configured[module], args.jobs)
        scores.append(set_aside(module, mutants, equivalents))
    sys.exit(0 if report(scores) else 1)


if __name__ == "__main__":
    main()
