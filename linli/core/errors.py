class DomainError(Exception):
    """A refused operation: `code` is stable for API clients, `message` is for people.

    Actions raise it; the API turns it into `{"error": {...}}` with `status`, pages show the message.
    """

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        if status is not None:
            self.status = status
