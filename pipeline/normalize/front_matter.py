"""Front matter's fields merged into what the text says: the text wins a disagreement.

A Markdown file's YAML front matter may state the document's fields (title,
source URL, author, a date). It fills what the text does not say; where both
say a field and disagree, the text's value is kept and a warning says so.
Keys other tools write for the same field are read as that field
(``created: 2026-03-12`` is the publication date).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from pipeline.errors import Issue
from pipeline.normalize.dates import parse_date
from pipeline.normalize.fields import molecular_weight

# Front-matter keys that may fill a metadata field.
FRONT_MATTER_FIELDS = frozenset({
    "title", "author", "published", "compound_name", "catalog_number", "source_url",
    "cas_number", "molecular_formula", "molecular_weight", "iupac_name", "inchi_key", "smiles",
})
# Other keys static-site generators and converters write for those fields.
FRONT_MATTER_ALIASES = {
    "created": "published", "date": "published", "publication_date": "published",
    "pubdate": "published", "url": "source_url", "canonical_url": "source_url",
}


def merge_front_matter(fields: dict[str, Any], front_matter: dict[str, Any]
                        ) -> tuple[dict[str, Any], tuple[Issue, ...]]:
    """Front matter fills what the text does not say; the text wins a disagreement."""
    merged = dict(fields)
    issues: list[Issue] = []
    for name, value in sorted(front_matter.items()):
        key = FRONT_MATTER_ALIASES.get(name, name)
        if key not in FRONT_MATTER_FIELDS:
            issues.append(Issue("normalize", "warning",
                                f"front matter key {name!r} is not a document field; ignored", 1))
            continue
        given = str(value).strip() if value is not None else ""
        if key == "published" and given:
            date = parse_date(given)
            if date is None:
                issues.append(Issue("normalize", "warning", f"front matter published {given!r} "
                                    "is not a calendar date; ignored", 1))
                continue
            given = date
        if key == "molecular_weight":
            weight, unit = molecular_weight(given)
            if merged["molecular_weight"] is None and weight is not None:
                merged["molecular_weight"], merged["molecular_weight_unit"] = weight, unit
            continue
        if merged[key] is None:
            merged[key] = given or None
        elif given and not _same(key, str(merged[key]), given):
            issues.append(Issue("normalize", "warning",
                                f"front matter {key} {given!r} differs from the text's "
                                f"{merged[key]!r}; the text's value is kept", 1))
    return merged, tuple(issues)


def _same(key: str, text_value: str, given: str) -> bool:
    """Equal values; a page address is the same page whatever its #fragment or case."""
    if key == "source_url":
        return urldefrag(text_value).url.rstrip("/").lower() == urldefrag(given).url.rstrip("/").lower()
    if key == "published":  # "2026-03" from the byline and "2026-03-12" agree
        return text_value.startswith(given) or given.startswith(text_value)
    return text_value == given


