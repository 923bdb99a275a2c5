"""Errors of the retrieval store, each naming what is wrong."""


class RetrievalError(Exception):
    """Base class: anything the knowledge base refuses or cannot do."""


class IngestError(RetrievalError, ValueError):
    """A file or folder that cannot be ingested (type, size, encoding, place)."""


class StoreBusy(RetrievalError):
    """The local store is held by another process; this one may only read a snapshot."""
