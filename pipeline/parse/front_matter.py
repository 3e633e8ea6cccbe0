"""A YAML front-matter block (``---`` ... ``---``) opening a Markdown or text source.

It is cut from the text before parsing, its lines left blank so that line
numbers still refer to the file. Only a block on the very first line counts:
a later ``---`` is a Markdown rule or a setext underline.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from pipeline.errors import Issue

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


# A line of a front-matter mapping that starts a key ("source_url: ..."); any other line that
# is not indented continues the value above it, as a hard-wrapping tool left it.
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?:\s|$)")


def _load(body: str) -> Any:
    """The YAML of a front-matter block; one whose long values were hard-wrapped is read as
    the unwrapped mapping it was."""
    try:
        return yaml.safe_load(body)
    except yaml.YAMLError:
        lines = body.split("\n")
        if not lines or not _KEY_LINE.match(lines[0]):
            raise
        unwrapped: list[str] = []
        for line in lines:
            if unwrapped and line.strip() and not _KEY_LINE.match(line) and not line[:1].isspace():
                unwrapped[-1] = f"{unwrapped[-1].rstrip()} {line.strip()}"
            else:
                unwrapped.append(line)
        return yaml.safe_load("\n".join(unwrapped))


def split_front_matter(text: str) -> tuple[dict[str, Any], str, tuple[Issue, ...]]:
    """The front-matter mapping, the text with its lines blanked, and any problem."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, ()
    blanked = "\n" * match.group(0).count("\n") + text[match.end():]
    try:
        data = _load(match["body"] or "")
    except yaml.YAMLError as exc:
        # Not front matter after all (a rule opening the page?): the text stays as it is.
        where = getattr(exc, "problem_mark", None)
        line = where.line + 2 if where is not None else 1
        return {}, text, (Issue("parse", "warning",
                                f"the opening '---' block is not valid YAML "
                                f"({exc.__class__.__name__}); it is read as text", line),)
    if data is None:
        return {}, blanked, ()
    if not isinstance(data, dict):
        return {}, text, (Issue("parse", "warning", "the opening '---' block is not a mapping of "
                                "field: value; it is read as text", 1),)
    return {str(k): v for k, v in data.items()}, blanked, ()
