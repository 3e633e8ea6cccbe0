"""A reference's text to its title, authors, journal and year, whatever its form.

The forms of the family, each read by what it is, in any order of its parts:
- authors first (Vancouver): ``Authors. Title. Journal. Year;Vol(Issue):pages``;
- a quoted title: ``Authors. "Title." *Journal* Year;Vol:pages``;
- title first, the authors after a spaced dash: ``Title — Author et al., Journal Year``.
Authors are names with initials ("Druker BJ"), or a name and "et al.". Journal
and year come from the part after the title: the journal's words, then the
year. A form that does not read leaves every field but the title empty, and
the title is the whole text; a wrong author or journal is worse than none.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PARTICLES = r"(?:(?:van|von|de|der|den|la|le|du|da|di|dos|del)\s)*"
# One author: "Druker BJ", "van Hest JCM", "Quintás-Cardama A", "et al", "Kantarjian et al".
_AUTHOR = re.compile(rf"^(?:{_PARTICLES}[A-Z][\w'’-]*(?:\s{_PARTICLES}[A-Z][\w'’-]*)*"
                     r"\s(?:[A-Z]{1,4}|et al)|et al)$")
_AUTHORS_END = re.compile(r"\bet al\.\s|\.\s")
# "Journal. 2019;71(11):1788-1800." or "Journal. 2018;2:23." closing a Vancouver-style item.
_JOURNAL_TAIL = re.compile(
    r"(?<![^.?!])(?P<journal>[^.?!]+?)\.\s+(?P<year>(?:19|20)\d{2})(?:\s[A-Z][a-z]{2}(?:\s\d{1,2})?)?;"
)
# The part after a title: "N Engl J Med 2010.", "Biochemistry 1964;3:480-482.", "Blood. 2007;".
_JOURNAL_YEAR = re.compile(r"^\s*+(?P<journal>[A-Z][^;:\d]*?)[.,]?\s+(?P<year>(?:19|20)\d{2})\b")
# A title quoted whole: its closing quote ends it ('"Title." Journal', '"Title," Journal') and
# the journal or the end follows; '"Click" chemistry, a tool ...' quotes a word of the title.
_QUOTED_TITLE = re.compile(
    r"^(?P<authors>[^\"“”]*+)[\"“](?P<title>[^\"“”]+[.,!?])[\"”]\s*(?P<rest>(?:[*_A-Z].*)?)$")
_SPACED_DASH = re.compile(r"\s[—–-]\s")
MAX_AUTHOR_CHARS = 80  # one author's name, read before anything longer is split
_SURNAME = re.compile(r"^(?:[a-z]+\s)*[A-Z][a-z]")  # "Kantarjian", "de Langen"; not "BCR"


class Fields(NamedTuple):
    authors: str | None = None
    title: str | None = None
    journal: str | None = None
    year: int | None = None


def read_reference_fields(text: str) -> Fields:
    """The fields of one reference's clean text (numbering, links and annotations removed)."""
    for form in (_quoted, _vancouver, _title_then_authors):
        fields = form(text)
        if fields is not None:
            return fields
    return Fields()


def _quoted(text: str) -> Fields | None:
    """``Authors. "Title." Journal Year;...``: the quotes say where the title is."""
    match = _QUOTED_TITLE.match(text)
    if match is None:
        return None
    before = match["authors"].strip().rstrip(".,").strip()
    authors = _authors(before)
    if before and authors is None:
        return None  # a quoted word inside a title ('regioselective "ligation" of azides')
    journal = _JOURNAL_YEAR.match(match["rest"])
    title = match["title"].strip().rstrip(".,").strip()
    if journal is None:
        return Fields(authors, title)
    return Fields(authors, title, journal["journal"].strip(), int(journal["year"]))


def _title_then_authors(text: str) -> Fields | None:
    """``Title — Authors, Journal Year``: the part after a spaced dash opens with an author's
    name (a surname in capitals and small letters: "Kantarjian et al.", not "BCR ABL")."""
    for dash in _SPACED_DASH.finditer(text):
        first = text[dash.end(): dash.end() + MAX_AUTHOR_CHARS].split(",", 1)[0]
        if not (_AUTHOR.match(first.strip().removesuffix(".")) and _SURNAME.match(first.strip())):
            continue
        names, rest = _leading_authors(text[dash.end():])
        if names:
            title = text[: dash.start()].strip().rstrip(".")
            journal = _JOURNAL_YEAR.match(rest)
            if journal is None:
                return Fields(names, title)
            return Fields(names, title, journal["journal"].strip(), int(journal["year"]))
    return None


def _vancouver(text: str) -> Fields | None:
    """Authors, title, journal and year of "Authors. Title. Journal. Year;..." text."""
    end = _AUTHORS_END.search(text)
    if end is None:
        return None
    authors = _authors(text[: end.end()].strip().rstrip("."))
    if authors is None:
        return None
    rest = text[end.end():]
    tail = _JOURNAL_TAIL.search(rest)
    if tail is None:
        return Fields(authors, rest.strip() or None)
    title = rest[: tail.start()].strip().rstrip(".")
    return Fields(authors, title or None, tail["journal"].strip(), int(tail["year"]))


def _authors(text: str) -> str | None:
    """"Cleland WW" or "Getz EB, Xiao M, Selvin PR" as written; None unless every name reads
    as an author's."""
    names = [n.strip() for n in text.split(",")]
    return ", ".join(names) if names and all(_AUTHOR.match(n) for n in names) else None


def _leading_authors(text: str) -> tuple[str | None, str]:
    """The authors a text opens with, and the rest ("Saglio et al., N Engl J Med 2010.")."""
    pieces = text.split(",")
    names: list[str] = []
    for piece in pieces:
        name = piece.strip().removesuffix(".")
        if not _AUTHOR.match(name):
            break
        names.append(name)
        if name.endswith("et al"):
            break
    if not names:
        return None, text
    return ", ".join(names), ",".join(pieces[len(names):]).strip()
