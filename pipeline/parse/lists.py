"""List rules of the guide family that CommonMark does not know, shared by every parser.

- A bare "Label:" list item owns the sibling items after it that are not labels:
  a text dump and a converter write "- Intervention Arms:" with its arms at the
  same depth (CommonMark does not nest an item indented by one space, and HTML
  converters flatten the nesting the page meant).
- A line that opens with a bullet character ("• item") is a list item, in a text
  dump and in a page that types its bullets into a paragraph alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from pipeline.blocks import Block, ListItemBlock

# Bullet characters a page prints as text: "  • item" is a list item.
TEXT_BULLET = re.compile(r"^([ \t]*)[\u2022\u25aa\u25e6\u2023\u00b7][ \t]+", re.M)
# "- Intervention Arms:" with nothing after the colon is a label that owns the items after it.
_LABEL_ONLY = re.compile(r"^\s*[A-Za-z][^:\n]{0,60}:\s*$")
# A "Label: value" item: it ends the run of items a bare label owns.
_FIELD_LABEL = re.compile(r"^\s*[A-Za-z][A-Za-z0-9 /&()'-]{0,60}:(?:\s|$)")


def nest_under_labels(blocks: list[Block]) -> Iterator[Block]:
    """Give a bare "Label:" item the following sibling items that are not labels."""
    owner_depth: int | None = None
    for block in blocks:
        if not isinstance(block, ListItemBlock):
            owner_depth = None
            yield block
            continue
        if owner_depth is not None and (
            block.depth < owner_depth
            or (block.depth == owner_depth and _FIELD_LABEL.match(block.inline.text))
        ):
            owner_depth = None
        if owner_depth is not None and block.depth == owner_depth:
            block = replace(block, depth=block.depth + 1)
        elif _LABEL_ONLY.match(block.inline.text):
            owner_depth = block.depth
        yield block
