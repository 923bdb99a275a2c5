r"""Reading Markdown, plain text, LaTeX and PDF files into sectioned chunks.

Chunks follow the document's sections and never split a display equation (``$$ ... $$``,
``\[ ... \]``, ``\begin{equation} ... \end{equation}`` and the other display environments):
a physicist's question about a formula should find the whole formula.

>>> doc = parse_text("# Kerr\n\n## Horizons\n\nThey sit at\n\n$$\nr_\\pm = M \\pm \\sqrt{M^2 - a^2}\n$$\n",
...                  source="kerr.md", kind="markdown")
>>> [(c.title, c.section) for c in chunk(doc)]
[('Kerr', 'Horizons')]
>>> print(chunk(doc)[0].text)
They sit at
<BLANKLINE>
$$
r_\pm = M \pm \sqrt{M^2 - a^2}
$$
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
            ".rst": "text", ".tex": "latex", ".pdf": "pdf"}
MAX_BYTES = 20 * 2**20          # a 20 MB file is a book; larger ones are refused
CHUNK_CHARS = 1200              # soft size of a chunk; an equation is never cut to fit
VERSION = 2                     # of the chunking: a change re-ingests every stored file


@dataclass
class Section:
    title: str          # the nearest heading ("" before the first)
    text: str
    page: int | None = None


@dataclass
class Document:
    source: str
    title: str
    kind: str
    sections: list[Section] = field(default_factory=list)
    sha256: str = ""

    @property
    def references(self) -> list[str]:
        """The entries of a "References" or "Bibliography" section (one per line or item)."""
        entries: list[str] = []
        for s in self.sections:
            if _is_references(s.title):
                entries += [line.strip().lstrip("-*• ").strip()
                            for line in s.text.splitlines() if line.strip()]
        return entries


@dataclass(frozen=True)
class Chunk:
    source: str
    title: str
    section: str
    text: str
    page: int | None
    index: int

    def embedding_text(self) -> str:
        """What the embedders see: the chunk under its document and section titles."""
        head = f"{self.title} — {self.section}" if self.section and self.section != self.title \
            else self.title
        return f"{head}\n{self.text}" if head else self.text


# ---------------------------------------------------------------------- reading files
def read(path: Path, source: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """The document at ``path``; :class:`IngestError` names what is wrong with a bad file."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                          f"supported: {', '.join(sorted(SUFFIXES))}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte cap")
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read it ({err.strerror or err})") from None
    if kind == "pdf":
        doc = _parse_pdf(data, source or str(path), path)
    else:
        doc = parse_text(_decode(data, path), source or str(path), kind)
    if not any(s.text.strip() for s in doc.sections):
        raise IngestError(f"{path}: has no text")
    doc.sha256 = hashlib.sha256(b"chunking %d\n" % VERSION + data).hexdigest()
    if not doc.title:
        doc.title = path.stem.replace("_", " ")
    return doc


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: looks binary (NUL bytes), not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(f"{path}: not UTF-8 text (byte {err.start})") from None


def _parse_pdf(data: bytes, source: str, path: Path) -> Document:
    if not data.startswith(b"%PDF-"):
        raise IngestError(f"{path}: not a PDF (no %PDF- header)")
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        title = str((reader.metadata or {}).get("/Title") or "").strip()
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as err:
        raise IngestError(f"{path}: unreadable PDF ({err})") from None
    if not any(p.strip() for p in pages):
        raise IngestError(f"{path}: the PDF has no extractable text (scanned images?)")
    doc = Document(source, title, "pdf")
    for number, text in enumerate(pages, start=1):
        if text.strip():
            doc.sections.append(Section(f"page {number}", text, page=number))
    return doc


# ---------------------------------------------------------------------- sections
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TEX_HEADING = re.compile(r"\\(part|chapter|section|subsection|subsubsection)\*?\{([^{}]*)\}")
_TEX_TITLE = re.compile(r"\\title\{([^{}]*)\}")


def parse_text(text: str, source: str, kind: str) -> Document:
    """Split text into sections by its headings (Markdown ``#``, LaTeX ``\\section``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "markdown":
        return _parse_markdown(text, source)
    if kind == "latex":
        return _parse_latex(text, source)
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")[:120]
    return Document(source, title, kind, [Section("", text)])


def _parse_markdown(text: str, source: str) -> Document:
    doc = Document(source, "", "markdown")
    section, lines, fenced = "", [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _MD_HEADING.match(line)
        if match:
            doc.sections.append(Section(section, "\n".join(lines)))
            section, lines = _strip_markdown(match.group(2)), []
            if len(match.group(1)) == 1 and not doc.title:
                doc.title = section
        else:
            lines.append(line)
    doc.sections.append(Section(section, "\n".join(lines)))
    doc.sections = [s for s in doc.sections if s.text.strip()]
    return doc


def _strip_markdown(heading: str) -> str:
    return re.sub(r"[*_`]", "", heading).strip()


def _parse_latex(text: str, source: str) -> Document:
    text = re.sub(r"(?<!\\)%.*", "", text)                   # comments
    title = _TEX_TITLE.search(text)
    doc = Document(source, title.group(1).strip() if title else "", "latex")
    begin = text.find(r"\begin{document}")
    if begin >= 0:
        text = text[begin + len(r"\begin{document}"):]
    text = text.replace(r"\end{document}", "").replace(r"\maketitle", "")
    position, section = 0, ""
    for match in _TEX_HEADING.finditer(text):
        doc.sections.append(Section(section, text[position:match.start()]))
        section, position = match.group(2).strip(), match.end()
    doc.sections.append(Section(section, text[position:]))
    doc.sections = [s for s in doc.sections if s.text.strip()]
    return doc


# ---------------------------------------------------------------------- chunks
_DISPLAY = re.compile(
    r"\$\$.*?\$\$|\\\[.*?\\\]"
    r"|\\begin\{(equation|align|gather|multline|eqnarray|displaymath|split)(\*?)\}.*?"
    r"\\end\{\1\2\}",
    re.DOTALL)


def blocks(text: str) -> list[str]:
    """Paragraphs and whole display equations, in order."""
    out: list[str] = []
    position = 0
    for match in _DISPLAY.finditer(text):
        out += _paragraphs(text[position:match.start()])
        out.append(match.group(0).strip())
        position = match.end()
    out += _paragraphs(text[position:])
    return [b for b in out if b]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def chunk(doc: Document, size: int = CHUNK_CHARS) -> list[Chunk]:
    """The document's chunks: whole blocks packed up to ``size`` characters per section."""
    chunks: list[Chunk] = []
    for section in doc.sections:
        if _is_references(section.title):   # cited by every chunk instead (Document.references)
            continue
        current: list[str] = []
        length = 0
        for block in blocks(section.text):
            for piece in ([block] if _DISPLAY.fullmatch(block) else _split_long(block, size)):
                if current and length + len(piece) > size:
                    chunks.append(_make(doc, section, current, len(chunks)))
                    current, length = [], 0
                current.append(piece)
                length += len(piece) + 2
        if current:
            chunks.append(_make(doc, section, current, len(chunks)))
    return chunks


def _is_references(title: str) -> bool:
    return title.strip().lower() in ("references", "bibliography", "sources", "further reading")


def _make(doc: Document, section: Section, parts: list[str], index: int) -> Chunk:
    return Chunk(doc.source, doc.title, section.title or doc.title, "\n\n".join(parts),
                 section.page, index)


def _split_long(paragraph: str, size: int) -> list[str]:
    """A paragraph over ``size`` characters, cut at sentence ends (or words)."""
    if len(paragraph) <= size:
        return [paragraph]
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[.!?])\s+|\s+(?=\S{40,})", paragraph):
        while len(sentence) > size:                  # a sentence longer than a chunk
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > 0 else size
            pieces.append((current + " " + sentence[:cut]).strip())
            current, sentence = "", sentence[cut:].strip()
        if current and len(current) + len(sentence) + 1 > size:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces
