"""The shell prompt: `llmpath badge` and `llmpath shell-init`.

The console script runs both from llmpath.entry before this app is imported; the commands here run
the same code, so that `--help`, the README reference and the in-process tests see them.
"""

from __future__ import annotations

import typer

from ..badge import DEFAULT_TEMPLATE
from .common import handle_errors

FORMAT_OPTION = typer.Option(
    DEFAULT_TEMPLATE,
    "--format",
    metavar="TEMPLATE",
    help="Fields: {percent} {done} {total} {track} {papers} {target} {next}, and {today}: minutes studied today"
    " against your daily target (25/30m).",
)
ASCII_OPTION = typer.Option(False, "--ascii", help="Leave out any character that is not printable ASCII.")


def register(app: typer.Typer) -> None:
    app.command("badge")(badge)
    app.command("shell-init")(shell_init)


def badge(template: str = FORMAT_OPTION, ascii_only: bool = ASCII_OPTION) -> None:
    """One short line for a shell prompt: track progress, this week's papers, today's study time.

    Prints nothing before the first llmpath command, and never an error.

    \b
    Examples:
      llmpath badge
      llmpath badge --format "{track} {percent}% · next: {next}" --ascii
    """
    from ..badge import main

    code = main(["--format", template, *(["--ascii"] if ascii_only else [])])
    if code:
        raise typer.Exit(code)


@handle_errors
def shell_init(
    shell: str = typer.Argument(..., metavar="SHELL", help="bash, zsh or fish."),
    template: str = FORMAT_OPTION,
    ascii_only: bool = ASCII_OPTION,
) -> None:
    """Print a snippet that puts the badge into your prompt, with no Python run at each prompt.

    \b
    Examples:
      eval "$(llmpath shell-init bash)"        in ~/.bashrc
      eval "$(llmpath shell-init zsh)"         in ~/.zshrc
      llmpath shell-init fish | source         in ~/.config/fish/config.fish
    """
    from ..errors import UsageError
    from ..shell import init

    try:
        text = init(shell, template, ascii_only)
    except ValueError as problem:
        raise UsageError(str(problem)) from None
    typer.echo(text, nl=False)
