"""The one exception type the domain raises for problems a user can cause.

The CLI catches it, prints its message as one line on stderr and exits with its code.
"""


class LlmpathError(Exception):
    """A problem the user can fix: the message names it and says how."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(LlmpathError):
    """Bad input on the command line (unknown topic, ambiguous name, bad date)."""

    exit_code = 2


class RoadmapError(LlmpathError):
    """The roadmap file is missing, not YAML, or fails validation."""


class StoreError(LlmpathError):
    """The data directory or the database cannot be used as it is."""


class DamagedStoreError(StoreError):
    """The database file is damaged, or is not llmpath's: it is left as it is, to be moved aside."""


class InternalError(LlmpathError):
    """A bug in llmpath caught by a check (a database constraint, say), not the user's doing.

    Still one line, with the detail and a request to report it, rather than a traceback.
    """
