"""Question-and-answer pairs of troubleshooting pages.

Three styles: "Q1: ..." then "A1: ..." lines (in one paragraph or several),
"Question: ..." then "Answer: ...", and a bullet holding both ("What is a
boroxine? It is ..."). In a paragraph with such labels, an unlabelled line
continues the question or answer above it; a paragraph without labels, or the
next question, closes the pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.blocks import ListItemBlock, ParagraphBlock
from pipeline.normalize.model import Draft, Faq
from pipeline.vocabulary import QA_LINE

# A bullet that asks and answers: an interrogative opening, a '?', then the answer.
_BULLET_QA = re.compile(
    r"^(?P<q>(?:what|how|why|when|which|who|where|can|could|should|is|are|do|does|will|"
    r"must|may)\b[^?]{3,}\?)\s+(?P<a>\S.*)$", re.I | re.S)


@dataclass
class _Pair:
    section_id: str | None
    line: int
    question: list[str]  # clean text, line by line
    answer: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)


def extract_faqs(draft: Draft) -> Draft:
    pairs: list[_Pair] = []
    locations = dict(draft.locations)
    open_pair: _Pair | None = None
    for i, block in enumerate(draft.blocks):
        if i in locations or not isinstance(block, ParagraphBlock | ListItemBlock):
            open_pair = None
            continue
        section_id = draft.block_sections[i]
        both = _BULLET_QA.match(block.inline.text) if isinstance(block, ListItemBlock) else None
        if both is not None:
            pairs.append(_Pair(section_id, block.line_start, [both["q"]], [both["a"]],
                               list(block.inline.citations)))
            locations[i] = "faq"
            open_pair = None
            continue
        lines = block.lines()
        if isinstance(block, ListItemBlock) or not any(QA_LINE.match(ln.text) for ln in lines):
            open_pair = None
            continue
        locations[i] = "faq"
        for offset, line in enumerate(lines):
            match = QA_LINE.match(line.text)
            kind = match["label"][0].lower() if match else None
            text = line.text[match.end():].strip() if match else line.text
            if kind == "q":
                open_pair = _Pair(section_id, block.line_start + offset, [text])
                pairs.append(open_pair)
            elif open_pair is None:
                continue  # an answer with no question before it: nothing to pair it with
            elif kind == "a" or open_pair.answer:
                open_pair.answer.append(text)
            else:
                open_pair.question.append(text)
            open_pair.citations.extend(line.citations)
    return replace(draft, faqs=tuple(_faqs(pairs)), locations=locations)


def _faqs(pairs: list[_Pair]) -> list[Faq]:
    per_section: dict[str | None, int] = {}
    faqs: list[Faq] = []
    for pair in pairs:
        if not pair.answer:
            continue
        per_section[pair.section_id] = per_section.get(pair.section_id, 0) + 1
        faqs.append(Faq(
            faq_id=f"{pair.section_id or 'document'}-faq-{per_section[pair.section_id]}",
            section_id=pair.section_id,
            question=" ".join(t for t in pair.question if t),
            answer=" ".join(t for t in pair.answer if t),
            citations=tuple(dict.fromkeys(pair.citations)),
            line=pair.line,
        ))
    return faqs
