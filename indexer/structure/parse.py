"""Section tree and clean paragraphs of one document, each with its source line span.

Two layouts are understood: ``markdown`` (one paragraph per line, unnumbered headings,
superscript footnotes) and ``ocr`` (hard-wrapped lines, numbered headings such as
``3.1.6.1 Titre``, pages whose first line starts with a space, footnotes at page bottom).
Footnotes are lifted out of the text flow, and paragraphs they (or a page break) split in
two are joined again.
"""

from __future__ import annotations

from indexer.models import Document
from indexer.structure.markdown import parse_markdown
from indexer.structure.ocr import parse_ocr
from indexer.structure.tree import Structure, close_spans, rejoin


def parse_structure(doc: Document) -> Structure:
    """Split ``doc`` into sections with cleaned paragraph and footnote blocks."""
    if doc.kind == "ocr":
        structure = parse_ocr(doc)
    else:
        structure = parse_markdown(doc)
    close_spans(structure.sections, len(doc.lines))
    for section in structure.sections:
        section.blocks = rejoin(section.blocks)
    return structure
