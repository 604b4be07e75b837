"""The one root of the failures a user is told about: each is printed as a message with its exit
code by ``generator.cli.main``, never as a traceback.

A command raises the subclass that says what went wrong; ``cli.main`` prints
``ropa COMMAND: message`` (a usage error also shows the usage line) and returns ``exit_code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rule table is read when a diagnostic is made, not by `ropa --version`
    from generator.lint.rules import Arg, Diagnostic

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class RopaError(Exception):
    """A failure the user can act on (exit code 1 unless a subclass says otherwise).

    Raised with a text (``RopaError("...")``, said as it is) or, for what the commands say
    themselves, with the key of a message of ``generator/data/labels/messages.yaml``
    (``UsageError.of("new.role_needed")``), which ``cli.main`` prints in the user's language."""

    exit_code = EXIT_PROBLEMS
    message_key: str | None = None
    message_values: dict[str, object] | None = None

    @classmethod
    def of(cls, key: str, **values: object) -> RopaError:
        error = cls(key)
        error.message_key, error.message_values = key, values
        return error

    def text(self, lang: str) -> str:
        """The message in ``lang`` (a text given as it is stays as it is)."""
        if self.message_key is None:
            return super().__str__()
        from generator.render import i18n

        values = {k: v.text(lang) if isinstance(v, RopaError) else v for k, v in (self.message_values or {}).items()}
        return i18n.message(self.message_key, lang, **values)

    def lines(self, lang: str) -> list[str]:
        """The message as the lines ``cli.main`` prints, each after ``ropa COMMAND:`` (one, unless
        the failure lists several problems)."""
        return [self.text(lang)]

    def __str__(self) -> str:
        return self.text("en")


class UsageError(RopaError):
    """A command used wrongly: printed as ``ropa: error: ...`` with the usage line, exit code 2."""

    exit_code = EXIT_USAGE


class LoadError(RopaError):
    """A file that cannot be read into data at all: its rule (``generator/data/rules.yaml``),
    position and the values of the rule's message say where and why."""

    def __init__(self, rule: str, line: int = 0, column: int = 0, /, **values: Arg) -> None:
        super().__init__(rule)
        self.rule, self.line, self.column, self.values = rule, line, column, values

    def diagnostic(self, file: str) -> Diagnostic:
        from generator.lint.rules import Diagnostic

        return Diagnostic.of(self.rule, file, self.line, self.column, **self.values)

    def text(self, lang: str) -> str:  # where a data file of the package itself is broken
        return self.diagnostic("").text(lang).lstrip(":")


class GitError(RopaError):
    """git is missing, or answered with an error (not a repository, not a revision)."""


class ExportError(RopaError):
    """The register cannot be written in the asked format (a value over the format's limits)."""
