"""Section tree and clean paragraphs of a document, one parser per layout."""

from indexer.structure.parse import parse_structure
from indexer.structure.tree import Structure

__all__ = ["Structure", "parse_structure"]
