"""Errors that speak to the user: which file, row, column, what was expected and what was found."""
from __future__ import annotations


class InputError(ValueError):
    """Bad input data or configuration.

    The message always names the file; row (1-based line number in the file, header = line 1),
    column, the expectation and the offending value when they are known.
    """

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None,
                 expected: str | None = None, found: object | None = None) -> None:
        self.file, self.row, self.column, self.expected, self.found = file, row, column, expected, found
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        text = f"{where}: {message}"
        if expected is not None:
            text += f"; expected {expected}"
        if found is not None:
            text += f"; found {found!r}"
        super().__init__(text)


class IdentityError(ValueError):
    """An accounting identity does not hold within tolerance (message names company, year, items, values)."""


class ConfigError(ValueError):
    """A configuration value the schema cannot judge alone (e.g. a name that must match another key): the message
    names the key (workflow/config.yaml), the value found and the accepted values."""

    def __init__(self, message: str) -> None:
        super().__init__(f"workflow/config.yaml: {message}")
