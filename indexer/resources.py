"""The data files shipped inside the packages (declared package data in pyproject.toml),
read through :mod:`importlib.resources` so an installed wheel finds them as the source tree does."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def package_json(package: str, name: str) -> Any:
    """The parsed JSON file ``name`` (a path relative to ``package``, e.g. ``data/x.json``)."""
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))
