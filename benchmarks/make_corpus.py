"""Write N distinct, realistic guides by varying the guides in sources/.

    python benchmarks/make_corpus.py N OUT [--seed S] [--html-only]

Deterministic from the seed. Each guide starts from a guide in sources/ and gets
its own compound name and catalog number, perturbed numbers in its table cells,
table rows dropped or repeated, sometimes a table or protocol repeated and a
reference dropped; about 15% are rendered as Markdown and 15% as HTML (with
``pipeline.render``), the rest stay in their own format.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.decode import decode, sniff_format  # noqa: E402
from pipeline.extract import extract  # noqa: E402
from pipeline.parse import parse  # noqa: E402
from pipeline.render import to_html, to_markdown  # noqa: E402

SHARE_MARKDOWN = 0.15
SHARE_HTML = 0.15
_NUMBER = re.compile(r"(?<![\w.])(\d+)(\.\d+)?(?![\w])")
_SYLLABLES = ["ba", "ri", "to", "fa", "ci", "ru", "xo", "li", "ne", "mo", "da", "ze", "pra", "vi"]
_SUFFIXES = ["tinib", "zumab", "ciclib", "parib", "stat", "olol", "azole", "mycin"]


def base_guides() -> list[tuple[str, str, str, str]]:
    """(text, suffix, compound name, catalog number) of each guide in sources/."""
    bases = []
    for path in sorted((ROOT / "sources").iterdir()):
        if not path.is_file():
            continue
        doc = extract(path.read_bytes(), f"sources/{path.name}")
        if not doc.records:
            continue
        meta = doc.records.documents[0]
        bases.append((decode(path.read_bytes()).text, path.suffix,
                      meta.compound_name or "", meta.catalog_number or ""))
    return bases


def vary(text: str, rng: random.Random, compound: str, catalog: str, index: int) -> str:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) + rng.choice(_SUFFIXES)
    name = name.capitalize()
    new_catalog = f"B{7_000_000 + index:07d}"
    if compound:
        for old, new in ((compound, name), (compound.lower(), name.lower()),
                         (compound.upper(), name.upper())):
            text = text.replace(old, new)
    if catalog:
        text = text.replace(catalog, new_catalog).replace(catalog.lower(), new_catalog.lower())
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        is_row = (line.startswith("|") and not set(line) <= set("|-: ")
                  and i > 1 and lines[i - 1].startswith("|"))
        if is_row:
            line = _NUMBER.sub(lambda m: _perturb(m, rng), line)
            roll = rng.random()
            if roll < 0.08:
                continue  # a row dropped
            if roll < 0.16:
                out.append(line)  # a row repeated
        out.append(line)
    text = "\n".join(out)
    if rng.random() < 0.3:
        text = _repeat_block(text, rng, r"(?m)^(?:\|.*\n){3,}")  # a table repeated
    if rng.random() < 0.2:
        text = _repeat_block(text, rng, r"(?m)^(?:- (?:Objective|Design|Population).*\n)(?:[- ].*\n)+",
                             heading="\nExperimental Protocol: Replication Cohort\n\n")
    if rng.random() < 0.3:
        text = re.sub(r"(?m)^- (?:\d+\.|\[\d+\]) .*\n(?=- To cite)", "", text, count=1)
    return text


def _perturb(match: re.Match[str], rng: random.Random) -> str:
    whole, decimals = match.group(1), match.group(2) or ""
    value = float(whole + decimals) * rng.uniform(0.8, 1.25)
    places = len(decimals) - 1 if decimals else 0
    return f"{value:.{places}f}"


def _repeat_block(text: str, rng: random.Random, pattern: str, heading: str = "") -> str:
    blocks = list(re.finditer(pattern, text))
    if not blocks:
        return text
    block = rng.choice(blocks)
    return text[: block.end()] + "\n" + heading + block.group(0) + text[block.end():]


def render(text: str, suffix: str, rng: random.Random, html_only: bool) -> tuple[str, str]:
    fmt = sniff_format(text, suffix)
    roll = 1.0 if html_only else rng.random()
    if fmt == "html":
        return text, ".html"
    if roll < SHARE_MARKDOWN:
        return to_markdown(parse(text, fmt).blocks), ".md"
    if html_only or roll < SHARE_MARKDOWN + SHARE_HTML:
        return to_html(to_markdown(parse(text, fmt).blocks)), ".html"
    return text, suffix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--html-only", action="store_true", help="render every guide as HTML")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    bases = base_guides()
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.n):
        text, suffix, compound, catalog = bases[index % len(bases)]
        varied = vary(text, rng, compound, catalog, index)
        content, ext = render(varied, suffix, rng, args.html_only)
        (args.out / f"guide_{index:05d}{ext}").write_text(content, "utf-8")


if __name__ == "__main__":
    main()
