"""The errors a command line reports in one line (exit status 2): a bad corpus, glossary,
setting, embedder, index or search engine. Any other exception is a bug and keeps its traceback."""

from indexer.backends import BackendError
from indexer.embed import EmbedderError
from indexer.lexicon import GlossaryError
from indexer.load import CorpusError
from indexer.manifest import IndexError_
from indexer.settings import SettingsError
from indexer.table import AnnexParseError

SETUP_ERRORS: tuple[type[Exception], ...] = (
    AnnexParseError,
    BackendError,
    CorpusError,
    EmbedderError,
    GlossaryError,
    IndexError_,
    SettingsError,
)
