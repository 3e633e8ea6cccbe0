"""Words of the guide family that more than one stage needs to recognise.

Each set is family vocabulary (what the vendor's guides say), never the words
of one sample: a rule keyed on one guide's compound or title is a defect.
"""

from __future__ import annotations

import re

# Product-header and property labels, as the vendor prints them in each page
# language (the body stays English): label -> (document field, language).
# A field of None is read and dropped (a notice, not a fact about the compound).
HEAD_LABELS: dict[str, tuple[str | None, str]] = {
    # English
    "compound name": ("compound_name", "en"),
    "product name": ("compound_name", "en"),
    "cat. no.": ("catalog_number", "en"),
    "cat no": ("catalog_number", "en"),
    "catalog no.": ("catalog_number", "en"),
    "catalog number": ("catalog_number", "en"),
    "cas no.": ("cas_number", "en"),
    "cas number": ("cas_number", "en"),
    "cas": ("cas_number", "en"),
    "m. wt": ("molecular_weight", "en"),
    "m.wt": ("molecular_weight", "en"),
    "mw": ("molecular_weight", "en"),
    "molecular weight": ("molecular_weight", "en"),
    "molecular formula": ("molecular_formula", "en"),
    "formula": ("molecular_formula", "en"),
    "iupac name": ("iupac_name", "en"),
    "inchi": ("inchi", "en"),
    "inchi key": ("inchi_key", "en"),
    "inchikey": ("inchi_key", "en"),
    "smiles": ("smiles", "en"),
    "canonical smiles": ("smiles", "en"),
    "isomeric smiles": ("smiles", "en"),
    "attention": (None, "en"),
    "compound": ("compound_name", "en"),
    # Read and dropped: properties of the product, not of the guide's records.
    "origin of product": (None, "en"),
    "synonyms": (None, "en"),
    # Spanish
    "número de catálogo": ("catalog_number", "es"),
    "nº de catálogo": ("catalog_number", "es"),
    "número cas": ("cas_number", "es"),
    "peso molecular": ("molecular_weight", "es"),
    "fórmula molecular": ("molecular_formula", "es"),
    "nombre iupac": ("iupac_name", "es"),
    "clave inchi": ("inchi_key", "es"),
    "atención": (None, "es"),
    "origen del producto": (None, "es"),
    "sinónimos": (None, "es"),
    # German
    "katalognummer": ("catalog_number", "de"),
    "kat.-nr.": ("catalog_number", "de"),
    "cas-nummer": ("cas_number", "de"),
    "cas-nr.": ("cas_number", "de"),
    "molekulargewicht": ("molecular_weight", "de"),
    "summenformel": ("molecular_formula", "de"),
    "molekularformel": ("molecular_formula", "de"),
    "iupac-name": ("iupac_name", "de"),
    "inchi-schlüssel": ("inchi_key", "de"),
    "achtung": (None, "de"),
    "herkunft des produkts": (None, "de"),
    "synonyme": (None, "de"),
    # French
    "numéro de catalogue": ("catalog_number", "fr"),
    "n° de catalogue": ("catalog_number", "fr"),
    "numéro cas": ("cas_number", "fr"),
    "n° cas": ("cas_number", "fr"),
    "poids moléculaire": ("molecular_weight", "fr"),
    "masse moléculaire": ("molecular_weight", "fr"),
    "formule moléculaire": ("molecular_formula", "fr"),
    "nom iupac": ("iupac_name", "fr"),
    "clé inchi": ("inchi_key", "fr"),
    # Chinese
    "目录号": ("catalog_number", "zh"),
    "货号": ("catalog_number", "zh"),
    "产品编号": ("catalog_number", "zh"),
    "cas号": ("cas_number", "zh"),
    "iupac名称": ("iupac_name", "zh"),
    "注意": (None, "zh"),
    # Japanese
    "カタログ番号": ("catalog_number", "ja"),
    "製品番号": ("catalog_number", "ja"),
    "cas番号": ("cas_number", "ja"),
    "iupac名": ("iupac_name", "ja"),
    "inchiキー": ("inchi_key", "ja"),
    # Shared by Chinese and Japanese; they say nothing about which of the two it is.
    "分子量": ("molecular_weight", "zh/ja"),
    "分子式": ("molecular_formula", "zh/ja"),
}

# The headings of a product page's own blocks ("Description" over the product text,
# "Properties" over its label/value lines), in each page language: chrome, never a guide's
# section or its title.
PRODUCT_SECTIONS = frozenset({
    "description", "properties", "product description", "specifications", "descripción",
    "propiedades", "beschreibung", "eigenschaften", "propriétés", "产品描述", "性质", "説明",
})

# Page chrome and body labels: a line with one of these (or a head label) is a
# field, never a heading, whatever its length.
FIELD_LABELS = frozenset(
    {"address", "author", "caption", "date", "email", "e-mail", "phone", "technical support",
     "to cite this document", *HEAD_LABELS}
)

# "Label: value" at the start of a line of clean text.
FIELD_LINE = re.compile(r"^\s*(?P<label>[^:：\n]{1,40}?)[:：]\s*(?P<value>.*)$", re.S)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# The byline: "Author: ... Date: ...", bold labels or not; a short dated line ("Last updated
# 2026-03-14", "Published: March 2026"; "Updated March 2024 guidance lowers ..." is a
# sentence); or another vendor's "Name Mon DD, YYYY 426" (author, date, view count).
BYLINE = re.compile(
    r"^\s*(?i:author|date):"
    r"|^(?=.{0,60}$)\s*(?i:last\s+(?:reviewed|updated|modified)|updated|published|posted)\s*:?\s*"
    r"(?P<dated>(?:(?i:" + _MONTH + r")\s|(?:19|20)\d\d-\d\d).*)$"
    r"|^\s*(?P<name>[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,4})\s+"
    r"(?P<date>(?i:" + _MONTH + r")\s\d{1,2},\s\d{4})(?:\s+(?P<views>[\d,]+))?\s*$"
)
# Question and answer labels of troubleshooting pages: "Q1:", "A1:", "Question:", "Answer:".
QA_LINE = re.compile(r"^\s*(?P<label>q\d*|a\d*|question|answer)\s*[:.)]", re.I)


# Page chrome a text dump keeps before the title: a skip link, a menu toggle.
PAGE_CHROME = re.compile(
    r"^\s*(?:skip\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|search)|jump\s+to\s+\w+"
    r"|toggle\s+(?:navigation|menu)|main\s+menu|menu|search|close|home)\s*$", re.I)
# A category line announcing the title: a vendor's "Foundational & Exploratory" (two words
# joined by '&'), or a site's lower-case section slug ("comparison", "application notes").
# Only where it stands right above a title-like line: "Storage & Handling" is a section.
CATEGORY_LINE = re.compile(r"^\s*(?:[A-Z][a-z]+\s+&\s+[A-Z][a-z]+|[a-z]+(?:[ -][a-z]+)?)\s*$")


def is_product_section(line: str) -> bool:
    """A product page's own block heading ("Description", "Properties:")."""
    return line.strip().rstrip(":：").strip().lower() in PRODUCT_SECTIONS


def label_only(line: str) -> str | None:
    """The known head label a line holds and nothing else ("Molecular Formula", "IUPAC Name:"),
    lower-cased: its value is on the next line. None for any other line."""
    label = line.strip().rstrip(":：").strip().lower()
    return label if label in HEAD_LABELS else None


def field_label(line: str) -> str | None:
    """The known field label a line starts with, lower-cased, or None."""
    match = FIELD_LINE.match(line)
    if match is None:
        return None
    label = match["label"].strip().lower()
    return label if label in FIELD_LABELS else None

# A page's calls to action, with or without their link markup ("Get Quote", "Request a Quote",
# "Click to download full resolution via product page", "Need Bulk Grade? Request Custom
# Synthesis Quote"): vendor chrome, never a heading or a fact. Short by nature.
CALL_TO_ACTION = re.compile(
    r"^\s*(?:(?:need|looking\s+for|interested\s+in|want)\b[^?\n]{0,80}\?\s*)?"
    r"(?i:get|request|download|click|buy|order|add\s+to\s+cart|share\s+this|back\s+to|sign\s+in"
    r"|log\s+in|subscribe)\b[^.!?\n]{0,80}$",
    re.I,
)
# Menus, breadcrumbs and tag lines: short items joined by separators ("Home › Products › ...",
# "English | Deutsch | ...", "Tags: KRAS · NSCLC · ..."). Two separators make a list, not a title.
SEPARATED_ITEMS = re.compile(r"(?:\S\s+[·›»|•]\s+\S.*){2}")
