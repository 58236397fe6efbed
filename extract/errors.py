"""Why a file could not be read. Every message is one line, naming the file."""
from __future__ import annotations


class ExtractError(Exception):
    """A PDF that cannot be extracted. `kind` is a stable short name for reports and logs."""

    kind = "error"

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # one line, whatever the cause printed
        super().__init__(f"{self.path}: {self.kind}: {self.reason}")


class EmptyFileError(ExtractError):
    kind = "empty"


class NotPdfError(ExtractError):
    kind = "not-a-pdf"


class EncryptedPdfError(ExtractError):
    kind = "encrypted"


class CorruptPdfError(ExtractError):
    kind = "corrupt"
