"""HTTP service: cited answers and search over the index, with a bilingual search page."""

from service.main import create_app

__all__ = ["create_app"]
