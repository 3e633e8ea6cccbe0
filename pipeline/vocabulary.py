"""Words of the guide family that more than one stage needs to recognise.

Each set is family vocabulary (what the vendor's guides say), never the words
of one sample: a rule keyed on one guide's compound or title is a defect.
"""

from __future__ import annotations

import re

# "Label: value" lines of the document head and page chrome. A line with one of
# these labels is a field, never a heading, whatever its length.
FIELD_LABELS = frozenset(
    {
        "address",
        "attention",
        "author",
        "cas no.",
        "cas number",
        "cat. no.",
        "catalog number",
        "caption",
        "compound name",
        "date",
        "email",
        "e-mail",
        "inchi",
        "inchi key",
        "iupac name",
        "m. wt",
        "molecular formula",
        "molecular weight",
        "phone",
        "smiles",
        "technical support",
        "to cite this document",
    }
)

# "Label: value" at the start of a line, markup around the label allowed.
FIELD_LINE = re.compile(r"^\s*[*_]{0,2}(?P<label>[^:\n*_]{1,40}?)[*_]{0,2}:[*_]{0,2}\s*(?P<value>.*)$")

# The byline: "Author: ... Date: ...", bold labels or not.
BYLINE = re.compile(r"^\s*[*_]{0,2}(?:author|date)[*_]{0,2}:", re.I)


def field_label(line: str) -> str | None:
    """The known field label a line starts with, lower-cased, or None."""
    match = FIELD_LINE.match(line)
    if match is None:
        return None
    label = match["label"].strip().lower()
    return label if label in FIELD_LABELS else None
