"""Errors that services raise and views turn into Vietnamese messages."""


class ApplicationError(Exception):
    """A business rule refused the action; `message` is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
