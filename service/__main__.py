"""``python -m service [--host] [--port] [--index-dir]``: serve the API and the search page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from indexer.errors import SETUP_ERRORS
from service.engine import load_engine
from service.main import create_app
from service.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    parser.add_argument("--host", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--index-dir", type=Path, help="index directory (default: index)")
    args = parser.parse_args(argv)
    overrides = {"host": args.host, "port": args.port, "index_dir": args.index_dir}
    try:
        settings = load_settings(**overrides)
        engine = load_engine(settings)
    except SETUP_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings, engine)
    host, port = settings.service.host, settings.service.port
    print(f"serving {len(engine.index.passages)} passages on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
