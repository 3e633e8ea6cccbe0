"""Finding source files and naming them: the light part of a run.

Nothing here imports a parser, so a run that finds nothing changed starts fast.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path, PurePath

from slugify import slugify

from pipeline.errors import Issue
from schemas.fields import DOC_ID_MAX_CHARS

# The family's guides are 4-20 KB; a source this large is a dump gone wrong, and reading it
# whole would cost the run its memory. Checked against the file's size before it is read.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
# A PDF carries its figures and fonts: a guide's runs to tens of MB. Its text is bounded by the
# reader's own limits (pages, characters, drawing objects), read in a child process whose
# memory is capped, so the file may be larger than a text guide (read whole, as every source
# is: once to plan, once to extract).
MAX_PDF_BYTES = 100 * 1024 * 1024
PDF_HEADER = b"%PDF-"
PDF_HEADER_WITHIN = 1024  # readers accept the header anywhere in a PDF's first kilobyte
# Flags of the one open a source gets; a platform without one does without it.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, and fstat then refuses it
_BINARY = getattr(os, "O_BINARY", 0)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HASH_CHARS = 16  # of a long id's hash: no two names of a catalog share them


def discover(sources: Path) -> tuple[list[Path], list[tuple[Path, Issue]]]:
    """Every regular, non-hidden file below ``sources`` in a stable order, and each folder
    that could not be listed with its error (its guides would otherwise vanish unsaid).

    The folders are walked with an explicit stack, so no depth of folders is too deep.
    Links to folders are not followed (a link to a file is, and ``find`` keeps it inside
    the sources folder)."""
    files: list[Path] = []
    unlisted: list[tuple[Path, Issue]] = []
    stack = [sources]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.name.startswith("."):
                        _sort_entry(entry, stack, files)
        except OSError as exc:
            unlisted.append((folder, Issue("read", "error", f"the folder cannot be listed: "
                                           f"{exc.strerror}; its guides were not read")))
    files.sort(key=lambda p: p.relative_to(sources).as_posix())
    unlisted.sort(key=lambda pair: pair[0].as_posix())
    return files, unlisted


def _sort_entry(entry: os.DirEntry[str], folders: list[Path], files: list[Path]) -> None:
    """A folder to list, or a file (a link to one counts); an entry whose kind cannot be
    told (a link in a loop, one to nowhere) is neither, as it is to ``Path.rglob``."""
    try:
        if entry.is_dir(follow_symlinks=False):
            folders.append(Path(entry.path))
        elif entry.is_file():
            files.append(Path(entry.path))
    except OSError:
        return


def read_regular(path: Path) -> tuple[int, bytes | Issue]:
    """The size of the regular file at ``path`` and its bytes, or the error for a file over its
    size limit (``size_limit``), from one open that neither follows a link in its last component
    nor waits on a FIFO or a device: OSError for anything that is not a regular file."""
    fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NO_WAIT | _BINARY)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file (a FIFO, device or socket)")
        head = handle.read(PDF_HEADER_WITHIN)
        limit = size_limit(head)
        if info.st_size > limit:
            return info.st_size, _too_large(info.st_size, head)
        data = head + handle.read(limit + 1 - len(head))  # it may have grown since fstat
    return len(data), data if len(data) <= limit else _too_large(len(data), head)


def is_pdf(data: bytes) -> bool:
    """A PDF file, read from its text layer rather than decoded as text: the header opens the
    file, or stands in its first kilobyte after bytes that are not text (a guide that quotes
    "%PDF-1.7" near its top is still a text)."""
    at = data.find(PDF_HEADER, 0, PDF_HEADER_WITHIN)
    return at == 0 or (at > 0 and (b"\x00" in data[:at] or not data[:at].isascii()))


def size_limit(head: bytes) -> int:
    """The most bytes a source whose file opens with ``head`` may have: a PDF's limit or a text's."""
    return MAX_PDF_BYTES if is_pdf(head) else MAX_SOURCE_BYTES


def display_path(path: Path) -> str:
    """The path as the run reached it, relative to the working directory; bytes of a file
    name that are not UTF-8 are written as escapes (``caf\\xe9.txt``), so the name can go
    into every output file."""
    relative = PurePath(os.path.relpath(path)).as_posix()
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def fallback_id(source_path: str) -> str:
    """The id of a document named after its file: the file's name, safe as a file name."""
    return safe_id(PurePath(source_path).stem)


def safe_id(name: str) -> str:
    """``name`` as an id: ASCII letters, digits, '.', '_' and '-' only, starting with a
    letter or digit (never "-", an option to a shell tool, nor ".", hidden). One too long
    keeps its start and ends in a hash of the whole: two long names that share a start
    get two ids, and the same name always the same one."""
    if not name.isascii():  # "日本語" gives "Ri_Ben_Yu", not an id every such name would share
        name = slugify(name, lowercase=False, separator="_") or name
    safe = _UNSAFE.sub("_", name).strip("._-")
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:_HASH_CHARS]
    if not safe:
        return f"document-{digest}"
    if len(safe) <= DOC_ID_MAX_CHARS:
        return safe
    return f"{safe[: DOC_ID_MAX_CHARS - _HASH_CHARS - 1].rstrip('._-')}-{digest}"


def _too_large(size: int, head: bytes) -> Issue:
    """The error for a file of ``size`` bytes, opening with ``head``, that is over its limit."""
    pdf = is_pdf(head)
    limit, name = (MAX_PDF_BYTES, "MAX_PDF_BYTES") if pdf else (MAX_SOURCE_BYTES, "MAX_SOURCE_BYTES")
    kind = "a PDF guide" if pdf else "one guide"
    return Issue("read", "error", f"the file is {size:,} bytes, over the {limit:,}-byte limit for "
                 f"{kind}; it was not read (split it or raise {name})")


def duplicate_path_issues(paths: Iterable[str]) -> dict[str, Issue]:
    """Two files recorded under one source_path (a name that is not UTF-8 is written with
    escapes, which another file may spell literally): an error for each, neither read."""
    counts = Counter(paths)
    return {path: Issue("read", "error", f"{n} files are recorded as {path!r} (a file name that "
                        "is not UTF-8 is written with escapes); rename one; none was read")
            for path, n in counts.items() if n > 1}


def duplicate_id_issues(ids: Iterable[tuple[str, str]]) -> dict[str, Issue]:
    """For (doc_id, source_path) pairs: an error for every source whose doc_id another shares."""
    by_id: dict[str, list[str]] = defaultdict(list)
    pairs = list(ids)
    for doc_id, source_path in pairs:
        by_id[doc_id].append(source_path)
    issues = {}
    for doc_id, source_path in pairs:
        twins = [p for p in by_id[doc_id] if p != source_path]
        if twins:
            issues[source_path] = Issue(
                "validate", "error", f"doc_id {doc_id!r} is also given by {', '.join(twins)}; "
                "records of both are withheld until one changes")
    return issues
