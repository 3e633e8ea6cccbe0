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


MAX_DEPTH = 16  # mappings and lists inside each other; front matter is one flat mapping


class RefusedYAML(yaml.YAMLError):
    """YAML that is valid but not read: it could take the run's memory or stack."""


_WITHOUT_TIMESTAMPS = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, without what front matter never needs and an attacker would use.

    - no aliases: 400 bytes of nested ``*refs`` expand to a gigabyte (the "billion laughs");
    - at most ``MAX_DEPTH`` levels of nesting: the composer recurses once per level;
    - no timestamps: dates stay text for the metadata rule, so ``2025-13-45`` is a
      string that reads as no date, not an exception.
    Without aliases the composed value grows with the text, which the size limit bounds.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.yaml_implicit_resolvers = _WITHOUT_TIMESTAMPS
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise RefusedYAML("uses a YAML alias (*name), which front matter never needs")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RefusedYAML(f"nests values more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _as_text(loader: FrontMatterLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)  # "!!timestamp x"


# A line of a front-matter mapping that starts a key ("source_url: ..."); any other line that
# is not indented continues the value above it, as a hard-wrapping tool left it.
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?:\s|$)")


def _load(body: str) -> Any:
    """The YAML of a front-matter block; one whose long values were hard-wrapped is read as
    the unwrapped mapping it was."""
    try:
        return yaml.load(body, Loader=FrontMatterLoader)
    except RefusedYAML:
        raise
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
        return yaml.load("\n".join(unwrapped), Loader=FrontMatterLoader)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, tuple[Issue, ...]]:
    """The front-matter mapping, the text with its lines blanked, and any problem."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, ()
    blanked = "\n" * match.group(0).count("\n") + text[match.end():]
    try:
        data = _load(match["body"] or "")
    except RefusedYAML as exc:
        return {}, text, (Issue("parse", "warning",
                                f"the opening '---' block {exc}; it is read as text", 1),)
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
