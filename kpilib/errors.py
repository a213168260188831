"""Errors raised by kpilib.

Every kpilib error is a :class:`KpiError`, itself a :class:`ValueError`, so
callers can catch one class. Messages say what failed, where, and how to fix it.
"""

from __future__ import annotations


class KpiError(ValueError):
    """Base class of every error kpilib raises on purpose."""


class DataError(KpiError):
    """A dataset (a file, a column, some rows or kpi.toml) is invalid.

    ``problems`` holds one message per problem found, grouped per file in
    ``str(error)``.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


class ParameterError(KpiError):
    """A function or command was called with an unknown or invalid option."""


class ReportError(KpiError):
    """The report could not be built: a notebook failed, or the output could not be written."""


class ReportWarning(UserWarning):
    """The report was built, with something missing (the PDF when no Chromium is found)."""
