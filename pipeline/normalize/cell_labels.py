"""The words before a number in a cell: the label that owns it, a hedge, or its comparator.

"Name:" names what the number is measured for, unless the name is a quantity's; "Quantity ="
and a leading term name what is measured (a quantity word of the family, a symbol such as
pKa or ε₄₂₀, a descriptive phrase such as "offset from analyte"); a code before the number
(EGFR, HEK293) names what it is measured for; a hedge ("Estimated", "Typically") is no
label, and a word that compares ("up to", "about") is the number's comparator.
"""

from __future__ import annotations

import re

from pipeline.normalize.values import folded

MAX_LABEL_WORDS = 6  # a longer run of words before a number is a sentence, not a label
JOINERS = frozenset({"and", "or", "then", "plus"})  # "46% at week 24 and 52% at week 52"
HEDGES = frozenset({"estimated", "typically", "usually", "generally", "reported", "measured",
                    "observed", "calculated", "expected", "median", "mean", "average"})
_WORD_COMPARATORS = (
    (re.compile(r"\b(?:up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|max(?:imum)?\.?)\s*$",
                re.I), "≤"),
    (re.compile(r"\b(?:at\s+least|no\s+less\s+than|not\s+less\s+than|min(?:imum)?\.?)\s*$", re.I),
     "≥"),
    # Not "over"/"under": "over 10 min" is a duration, not a bound.
    (re.compile(r"\b(?:more\s+than|greater\s+than|above|exceeding)\s*$", re.I), ">"),
    (re.compile(r"\b(?:less\s+than|fewer\s+than|below)\s*$", re.I), "<"),
    (re.compile(r"(?:\b(?:about|approximately|approx\.?|around|roughly|nearly|circa|ca\.)|~)\s*$",
                re.I), "~"),
)
# What a label names when it names a quantity: the quantity words of the family and a
# symbol (a letter with digits, sub- or superscripts or inner capitals: pKa, cLogP, ε₄₂₀, kᵣ).
QUANTITY_LABEL = re.compile(
    r"\b(?:IC50|EC50|GI50|CC50|LD50|ED50|Ki|Kd|Km|kcat|Vmax|pKa|pKi|pIC50|c?Log[PD]|t1/2|AUC"
    r"|Cmax|Tmax|ORR|PFS|OS|DCR|DoR|HR|CI|CV|RSD|SD|SEM|ratio|rate|constant|half-life|yield|purity"
    r"|solubility"
    r"|potency|affinity|selectivity|concentration|dose|density|mass|weight|volume|temperature"
    r"|absorbance|absorptivity|retention|recovery|response|clearance|bioavailability|storage"
    r"|stability|shelf[- ]life|melting\s+point|boiling\s+point|pH|wavelength|time|MW|Tm|MIC"
    r"|TGI)\b", re.I)
# A symbol: a Greek letter, a sub- or superscript, or a small letter before a capital (ε₄₂₀,
# kᵣ, pKa, cLogP), or a small letter and its index (k2); never a code such as JAK1 or A549.
_SYMBOL = re.compile(r"^(?:[α-ωΑ-Ω]\S*|\S*[₀-₉ₐ-ₜ⁰-⁹]\S*|[a-z]+[A-Z]\w*|[a-z]\d{1,2})$")
_CODE = re.compile(r"^[A-Z][A-Z0-9-]*$")  # "AMG", "ISO", "CYP3A4": a name's code before a number
_SENTENCE = re.compile(r"[.!?]\s")
# A descriptive phrase right before its number names what is measured: two to six words,
# lower-case ones among them, no comma, not ending in a word that leads on ("Heat to",
# "Wash with" are advice).
_PHRASE_LABEL = re.compile(
    r"^(?=\S+\s\S)(?=.*\b[a-z]{3,})(?!.*,)[A-Za-z][^,:;=()]*+(?<![\s(])"
    r"(?<!\bto)(?<!\bwith)(?<!\bat)(?<!\bby)(?<!\bfor)(?<!\bin)(?<!\bof)(?<!\bfrom)(?<!\bthan)"
    r"(?<!\band)(?<!\bor)(?<!\bthe)(?<!\ba)(?<!\ban)(?<!\bis)(?<!\bare)(?<!\bwas)(?<!\bover)"
    r"(?<!\bunder)(?<!\bafter)(?<!\bbefore)(?<!\bwithin)(?<!\babout)$")


def without_hedges(text: str) -> str:
    """The words before a number without the hedges that end them ("Typically")."""
    words = text.split()
    while words and words[-1].lower() in HEDGES:
        words.pop()
    return " ".join(words)


def word_comparator(lead: str) -> tuple[str | None, str]:
    """A comparing word at the end of the lead ("up to", "about") and the lead without it."""
    for pattern, sign in _WORD_COMPARATORS:
        match = pattern.search(lead)
        if match is not None:
            return sign, lead[: match.start()]
    return None, lead


def cell_label(lead: str) -> tuple[str | None, str | None, str | None]:
    """What the words before a number say: (quantity, subject, a name's code). "Name:"
    names the subject, unless the name is a quantity's; after it, "Quantity =" or a quantity
    term names what is measured ("Cisplatin: IC₅₀ =", "Testosterone-13C3: retention time")."""
    if lead.rstrip().endswith((",", "(")):
        # "DT40 cells, 0.01% MMS": the words are an item of their own; "2 mg once daily (4 mg
        # outside the US)": they belong to the number before
        return None, None, None
    text = without_hedges(lead.strip(" ,(\t")).strip()
    if not text or _SENTENCE.search(text) or len(text.split()) > MAX_LABEL_WORDS:
        return None, None, None
    equals = text.endswith("=")
    name, colon, rest = text.rstrip("= ").rpartition(":") if ":" in text else ("", "", text)
    rest = rest.rstrip("= ").strip()
    quantity = rest if rest and (equals or names_quantity(rest) or (colon and _PHRASE_LABEL.match(
        rest))) else None  # "Testosterone-13C3 as IS: IS-normalized matrix factor 0.99–1.02"
    name = name.strip()
    if colon and not rest and names_quantity(name):
        return name, None, None  # "IC₅₀: 5 nM"
    if colon:
        return quantity, name or None, None
    if quantity is None and _PHRASE_LABEL.match(text):  # "offset from analyte 0.00 min"
        return text, None, None
    return quantity, None, text if quantity is None and _CODE.match(text) else None


def names_quantity(label: str) -> bool:
    key = folded(label)
    return bool(QUANTITY_LABEL.search(key) or _SYMBOL.match(label.split(" (")[0]))
