"""Time the renderer on the worst inputs known, each as long as an author may send.

    python -m bench.markdown_worst [--chars N]

Prints one line per input: rendered or refused, and the time taken. Every line should be far
under a second (the issue's bound); a refused input shows the message the author would see.
"""

import argparse
import time

from app.markdown import render_markdown
from app.markdown_guard import MAX_BLOCK
from app.markdown_guard import MAX_CHARS
from app.markdown_guard import MAX_ELEMENTS
from app.markdown_guard import MAX_HTML_MARKS
from app.markdown_guard import MarkdownRefused
from app.markdown_guard import nesting


def _paragraphs(unit: str, chars: int, block: int = MAX_BLOCK) -> str:
    """``unit`` repeated into paragraphs as long as the guard allows, up to ``chars`` in all."""
    paragraph = unit * (block // len(unit))
    return "\n\n".join([paragraph] * max(1, (chars + 2) // (len(paragraph) + 2)))


def _tags(unit: str, chars: int) -> str:
    """As many ``unit`` (each with one "<") as the guard allows, in one paragraph."""
    return unit * MAX_HTML_MARKS + "x" * (min(MAX_BLOCK, chars) // 2)


# Each input is as large as the guard lets through: paragraphs of MAX_BLOCK up to MAX_CHARS.
UNITS = ["[", "![", "[^", "[a](", "[a](()", '[a]("', "[a][", "[a]:", "*", "*a", "**a", "_a", "__a", "`", "`a", "``a", "\\", "\\a", "a : « b » ? ",
         "http://a ", "--", "...", "'", '"', "!", "|", "*[", "](", ") "]
TAG_UNITS = ["<", "<a ", "<!--", "<?", "<a href='", "<![CDATA[", "<div>", "&", "&amp;"]
# Line-based inputs, as many lines as the guard allows.
LINES = ["x\n\n", "## x\n", "- x\n", "1. x\n", "> x\n", "- " * 16 + "x\n", "Terme\n:   définition\n\n", "| a | b |\n", "!!! note\n\n",
         "[x]: y\n", "*[x]: y\n", "[^1]: n\n", "    code\n", "```\nx\n```\n", "***\n", "x\n===\n", "<div>\n"]


def _cases(chars: int) -> dict[str, str]:
    cases = {f"{u!r} in paragraphs": _paragraphs(u, chars) for u in UNITS}
    cases["'[' * n/2 + ']' * n/2"] = _paragraphs("[" * (MAX_BLOCK // 2) + "]" * (MAX_BLOCK // 2), chars)
    cases |= {f"{u!r} * {MAX_HTML_MARKS}": _tags(u, chars) for u in TAG_UNITS}
    for unit in LINES:
        lines = unit * (MAX_ELEMENTS // max(1, sum(max(1, nesting(x)) for x in unit.split("\n") if x.strip())))
        cases[f"{unit!r} * lines"] = lines if unit.count("<") * MAX_ELEMENTS <= MAX_HTML_MARKS else unit * MAX_HTML_MARKS
    cases["'[' * 8000 (the issue's)"] = "[" * 8000
    cases["'> ' * 5000 (refused)"] = "> " * 5000
    cases["'[' * 20000 (refused)"] = "[" * 20000
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=MAX_CHARS)
    chars = parser.parse_args().chars
    worst = 0.0
    for name, text in _cases(chars).items():
        start = time.perf_counter()
        try:
            render_markdown(text)
            outcome = "rendered"
        except MarkdownRefused as refused:
            outcome = f"refused: {refused}"
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        print(f"{name[:40]:40} {len(text):7} chars {elapsed:7.3f} s  {outcome}", flush=True)
    print(f"RESULT worst={worst:.3f}s")


if __name__ == "__main__":
    main()
