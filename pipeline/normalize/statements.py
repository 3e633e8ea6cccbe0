"""A cell's text to the quantity statements it makes: each number with its own label and condition.

A table cell may state several quantities ("Cisplatin: IC₅₀ = 3.1 µM (A549), 5.6 µM
(HeLa)", "<50 mM (loading), 0.3–0.5 M (elution)", "pKa 9.2 ± 0.2"). Each number the
value reader finds (``values.MEASURE``) is one statement:

- its label, the words before it back to the previous statement: "Name:" names what it
  is measured for, unless the name is a quantity's ("IC₅₀:"); "Name =" and a leading
  term ("pKa", "Ki (MAO-A)", "selectivity ratio") name what is measured; a hedge
  ("Estimated", "Typically") is no label, and a word that compares ("up to", "about") is
  the number's comparator;
- its condition: a parenthesis right after it that is no p-value ("(A549)", "(loading)");
- its unit: the cell's, else the row label's, else the column header's;
- a p-value belongs to the statement it follows;
- a statement with no label of its own shares the one before it ("5.6 µM (HeLa)").

Not statements: a number in a time-point phrase ("at 12 months": when, not what), the
numbers after "vs" (what the cell compares with, measured for another subject), a code
after an abbreviation ("AMG 510", "ISO 17034"), and any number of a cell of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.normalize.values import (
    MEASURE,
    P_VALUE,
    PLACEHOLDERS,
    CellValue,
    folded,
    label_unit,
    reading_form,
    to_number,
    typed,
)

MAX_LABEL_WORDS = 6  # a longer run of words before a number is a sentence, not a label
MAX_CONDITION_CHARS = 60  # "(A549)", "(chronic phase)": a short qualifier, not a note
# Words that hedge a number: no label. Words that compare: the number's comparator.
HEDGES = frozenset({"estimated", "typically", "usually", "generally", "reported", "measured",
                    "observed", "calculated", "expected"})
_WORD_COMPARATORS = (
    (re.compile(r"\b(?:up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|max(?:imum)?\.?)\s*$",
                re.I), "≤"),
    (re.compile(r"\b(?:at\s+least|no\s+less\s+than|not\s+less\s+than|min(?:imum)?\.?)\s*$", re.I),
     "≥"),
    (re.compile(r"\b(?:more\s+than|greater\s+than|over|above|exceeding)\s*$", re.I), ">"),
    (re.compile(r"\b(?:less\s+than|fewer\s+than|under|below)\s*$", re.I), "<"),
    (re.compile(r"(?:\b(?:about|approximately|approx\.?|around|roughly|nearly|circa|ca\.)|~)\s*$",
                re.I), "~"),
)
# What a label names when it names a quantity: the quantity words of the family and a
# symbol (a letter with digits, sub- or superscripts or inner capitals: pKa, cLogP, ε₄₂₀, kᵣ).
QUANTITY_LABEL = re.compile(
    r"\b(?:IC50|EC50|GI50|CC50|LD50|ED50|Ki|Kd|Km|kcat|Vmax|pKa|pKi|pIC50|c?Log[PD]|t1/2|AUC"
    r"|Cmax|Tmax|ORR|PFS|OS|DCR|DoR|HR|CI|ratio|rate|constant|half-life|yield|purity|solubility"
    r"|potency|affinity|selectivity|concentration|dose|density|mass|weight|volume|temperature"
    r"|absorbance|absorptivity|retention|recovery|response|clearance|bioavailability|storage"
    r"|stability|shelf[- ]life|melting\s+point|boiling\s+point|pH|wavelength|time)\b", re.I)
_SYMBOL = re.compile(r"^(?=\S*(?:[0-9₀-₉ₐ-ₜ⁰-⁹α-ωΑ-Ω]|[a-z][A-Z]))[A-Za-zα-ωΑ-Ω][\w₀-₉ₐ-ₜ⁰-⁹′]*$")
_CODE = re.compile(r"^[A-Z][A-Z0-9-]*$")  # "AMG", "ISO", "CYP3A4": a name's code before a number
_SENTENCE = re.compile(r"[.!?]\s")
_VERSUS = re.compile(r"\b(?:vs\.?|versus|compared\s+with|against)\s", re.I)
_TIME_PHRASE = re.compile(
    r"\b(?:at|by|after|through|over|within)\s+(?:(?:week|day|month|year|hour)\s+\d+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?[-\s](?:weeks?|days?|months?|years?|hours?|h)\b)", re.I)
# A descriptive phrase right before its number names what is measured: two to six words,
# lower-case ones among them, no comma, not ending in a word that leads on ("Heat to",
# "Wash with" are advice).
_PHRASE_LABEL = re.compile(
    r"^(?=\S+\s\S)(?=.*\b[a-z]{3,})(?!.*,)[A-Za-z][^,:;=()]*+(?<![\s(])"
    r"(?<!\bto)(?<!\bwith)(?<!\bat)(?<!\bby)(?<!\bfor)(?<!\bin)(?<!\bof)(?<!\bfrom)(?<!\bthan)"
    r"(?<!\band)(?<!\bor)(?<!\bthe)(?<!\ba)(?<!\ban)(?<!\bis)(?<!\bare)(?<!\bwas)$")
# A rating word over the number that makes it precise ("Better (>20 mg/mL)"): no label.
_RATING = re.compile(r"^\S+\s*\($")  # also a name with the amount of it: "Pd(PPh3)4 (3)"
_WHOLE = re.compile(MEASURE.pattern)  # a cell that is one measure and nothing else
_SAMPLE_SIZE = re.compile(r"\b[nN]\s*=\s*\d[\d,]*")  # "(n = 3)": how many, not what
_WORD = re.compile(r"[^\W\d_]{2,}")
_CLOSING = re.compile(rf"\(([^()]{{1,{MAX_CONDITION_CHARS}}})\)\s*$")
_CONDITION = re.compile(rf"[ \t]{{0,3}}\(([^()]{{1,{MAX_CONDITION_CHARS}}})\)")


@dataclass(frozen=True, slots=True)
class Statement:
    value: CellValue
    quantity: str | None = None  # what the cell says is measured ("IC₅₀", "pKa")
    subject: str | None = None  # what the cell says it is measured for ("Cisplatin")
    condition: str | None = None  # the qualifier after the number ("A549", "loading")
    timepoint: str | None = None  # a time-point phrase of the cell ("at 12 months")
    # The number is what its part says first, or has its own label ("12 min", "IC50 5 nM");
    # not a number inside a sentence of advice ("Heat to 40–50 °C").
    stated: bool = True


def read_statements(text: str, column_label: str = "", row_label: str = "") -> list[Statement]:
    """Every quantity statement of a clean cell text, in order."""
    form = reading_form(text)
    if not form or not any(ch.isdigit() for ch in form) or form.casefold() in PLACEHOLDERS:
        return []  # a cell of words states nothing
    unit = label_unit(row_label) or label_unit(column_label)
    whole = _WHOLE.fullmatch(form)
    if whole is not None:  # most cells: one number and its unit, nothing else to read
        return [Statement(typed(whole, unit))]
    out: list[Statement] = []
    labels: tuple[str | None, str | None] = (None, None)
    for part in _parts(form):
        found, labels = _part_statements(part, unit, labels)
        out.extend(found)
    return out


def _parts(text: str) -> list[str]:
    """The cell's ';'-separated parts (outside parentheses)."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _part_statements(part: str, unit: str | None, labels: tuple[str | None, str | None]
                     ) -> tuple[list[Statement], tuple[str | None, str | None]]:
    """The statements of one part, and the labels the next part may share."""
    p_values = [(m.start(), m) for m in P_VALUE.finditer(part)]
    times = [m.group(0) for m in _TIME_PHRASE.finditer(part)]
    masked = _masked(part, [m.span() for _, m in p_values]
                     + [m.span() for m in _TIME_PHRASE.finditer(part)]
                     + [m.span() for m in _SAMPLE_SIZE.finditer(part)])
    out: list[Statement] = []
    quantity, subject = labels
    previous = 0
    versus = _VERSUS.search(masked)
    for match in MEASURE.finditer(masked):
        if match.start() < previous:
            continue  # inside the condition of the statement before ("(95% CI 0.51–0.86)")
        if versus is not None and match.start() > versus.start():
            break  # "46% vs 28%": the second number is another subject's
        lead = masked[previous:match.start()]
        comparator, lead = _comparator(lead)
        own_quantity, own_subject, is_code = _label(lead)
        if is_code and not (match["unit"] or match["cmp"] or match["unc"] or match["high"]):
            previous = match.end()
            continue  # "AMG 510": a name's code
        bare = _without_hedges(lead.strip(" ,\t"))
        words = bool(_WORD.search(bare)) and not _RATING.match(bare.strip())
        if own_quantity or own_subject:
            quantity, subject = own_quantity, own_subject or subject
        elif words:  # words that name no quantity: the number's quantity is not the one before
            quantity = None
        condition = _CONDITION.match(part, match.end())
        previous = condition.end() if condition else match.end()
        value = typed(match, unit)
        p_value = next((m for start, m in p_values if start >= match.end()
                        and not MEASURE.search(masked, match.end(), start)), None)
        if comparator and not value.comparator:
            value = replace(value, comparator=comparator)
        if p_value is not None:
            value = replace(value, p_value=to_number(p_value["num"]), p_comparator=p_value["cmp"])
        stated = bool(own_quantity or own_subject) or (
            not words and (not out or out[-1].stated))  # "2–8 °C, up to 30 days"
        out.append(Statement(value, quantity, subject, _condition_text(condition),
                             times[0] if times else None, stated=stated))
    closing = _CLOSING.search(part)
    qualifier = _condition_text(closing)
    if qualifier and closing is not None and closing.start() >= previous:
        # "44% vs 22% at 12 months (300 mg twice daily)": a parenthesis closing the part
        out = [s if s.condition else replace(s, condition=qualifier) for s in out]
    return out, (quantity, subject)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span blanked out (its length kept, so positions stay)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _without_hedges(text: str) -> str:
    """The words before a number without the hedges that end them ("Typically")."""
    words = text.split()
    while words and words[-1].lower() in HEDGES:
        words.pop()
    return " ".join(words)


def _comparator(lead: str) -> tuple[str | None, str]:
    """A comparing word at the end of the lead ("up to", "about") and the lead without it."""
    for pattern, sign in _WORD_COMPARATORS:
        match = pattern.search(lead)
        if match is not None:
            return sign, lead[: match.start()]
    return None, lead


def _label(lead: str) -> tuple[str | None, str | None, bool]:
    """What the words before a number say: (quantity, subject, a name's code). "Name:"
    names the subject, unless the name is a quantity's; after it, "Quantity =" or a quantity
    term names what is measured ("Cisplatin: IC₅₀ =", "Testosterone-13C3: retention time")."""
    if lead.rstrip().endswith((",", "(")):
        # "DT40 cells, 0.01% MMS": the words are an item of their own; "2 mg once daily (4 mg
        # outside the US)": they belong to the number before
        return None, None, False
    text = _without_hedges(lead.strip(" ,(\t")).strip()
    if not text or _SENTENCE.search(text) or len(text.split()) > MAX_LABEL_WORDS:
        return None, None, False
    equals = text.endswith("=")
    name, colon, rest = text.rstrip("= ").rpartition(":") if ":" in text else ("", "", text)
    rest = rest.rstrip("= ").strip()
    quantity = rest if rest and (equals or names_quantity(rest)) else None
    name = name.strip()
    if colon and not rest and names_quantity(name):
        return name, None, False  # "IC₅₀: 5 nM"
    if colon:
        return quantity, name or None, False
    if quantity is None and _PHRASE_LABEL.match(text):  # "offset from analyte 0.00 min"
        return text, None, False
    return quantity, None, quantity is None and bool(_CODE.match(text))


def names_quantity(label: str) -> bool:
    key = folded(label)
    return bool(QUANTITY_LABEL.search(key) or _SYMBOL.match(key.split(" (")[0]))


def _condition_text(match: re.Match[str] | None) -> str | None:
    """A parenthesis after a number, unless it holds a p-value or a comparison."""
    if match is None:
        return None
    text = match.group(1).strip()
    return text if text and not (_VERSUS.match(text + " ") or P_VALUE.search(text)) else None
