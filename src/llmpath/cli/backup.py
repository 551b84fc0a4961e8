"""`llmpath export`, `llmpath import` and `llmpath doctor`: backups and a check-up of the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..errors import StoreError, UsageError
from ..paths import user_path
from .common import JSON_OPTION, TRACK_OPTION, handle_errors, paths_of, print_json, say, state_of


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_file)
    app.command("doctor")(doctor)


@handle_errors
def export(
    ctx: typer.Context,
    output: Path = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of printing."
    ),
    markdown: bool = typer.Option(
        False, "--markdown", help="The track as a Markdown checklist with your marks, instead of JSON."
    ),
    track: str = TRACK_OPTION,
) -> None:
    """Export everything you recorded as versioned JSON (a backup), or a track as Markdown.

    \b
    Examples:
      llmpath export -o ~/llmpath-backup.json
      llmpath export --markdown > progress.md
    """
    if markdown:
        from ..markdown import checklist

        state = state_of(ctx)
        text = checklist(state, state.track(track))
    else:
        from ..app import transfer
        from ..safetext import json_text

        # The same data, with anything a terminal acts on escaped: the file may be printed or paged.
        text = json_text(json.dumps(transfer.export_document(paths_of(ctx)), indent=2, ensure_ascii=False)) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from ..files import Refused, write_through

    target = user_path(output)
    try:
        write_through(target, text)
    except Refused as error:
        raise UsageError(f"{target} {error}; give a file path for the export") from None
    except OSError as error:
        raise StoreError(f"cannot write {target}: {error.strerror}") from None
    except ValueError:
        raise UsageError(f"{str(target)!r} is not a usable file name") from None
    say(f"Wrote {target}", err=True)


@handle_errors
def import_file(
    ctx: typer.Context,
    source: str = typer.Argument(..., metavar="FILE", help="An export file, or - for standard input."),
) -> None:
    """Merge an export into your store: importing twice equals importing once, and nothing newer is overwritten.

    \b
    Example:
      llmpath import ~/llmpath-backup.json
    """
    from .. import exchange
    from ..app import transfer
    from ..files import MAX_IMPORT_BYTES, Refused, read_at_most, read_regular

    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            content = read_at_most(sys.stdin.buffer, MAX_IMPORT_BYTES)
        else:
            content = read_regular(user_path(source), MAX_IMPORT_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except Refused as error:
        other = "" if source == "-" else ", or - to read standard input"
        raise UsageError(f"{name}: {error}; give a file written by `llmpath export`{other}") from None
    except OSError as error:
        raise UsageError(f"{name}: cannot read it: {error.strerror}") from None
    except ValueError:  # a NUL byte in the name
        raise UsageError(f"{name!r} is not a usable file name") from None
    try:
        records = exchange.parse(content)
    except UsageError as error:
        raise UsageError(f"{name}: {error}; nothing was imported") from None
    added, _ = transfer.import_records(paths_of(ctx), records, name)
    if not added.get("changes"):
        say(f"Imported nothing new: every change in {name} is already here.")
        return
    detail = ", ".join(_count(count, kind) for kind, count in added.items() if count and kind != "changes")
    say(
        f"Imported {_count(added['changes'], 'changes')} ({detail or 'no records'}); `llmpath undo` takes the import back."
    )


def _count(count: int, kind: str) -> str:
    """`2 paper reads`, `1 paper read`: a record kind's name counted."""
    name = kind.replace("_", " ")
    return f"{count} {name if count != 1 else name.removesuffix('s')}"


@handle_errors
def doctor(
    ctx: typer.Context,
    repair: bool = typer.Option(
        False, "--repair", help="Decide what is in force again from the whole history first (changes no record)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the store: data directory, roadmap, SQLite integrity, schema, roadmap sync and records.

    Changes nothing (unless --repair). Exits 1 when something needs your attention.

    \b
    Examples:
      llmpath doctor
      llmpath doctor --repair
      llmpath doctor --json
    """
    from ..app.doctor import diagnose, repair_read_model

    if repair:
        repair_read_model(paths_of(ctx))
    findings = diagnose(paths_of(ctx))
    if as_json:
        checks = [{"ok": f.ok, "what": f.what, "advice": f.advice} for f in findings]
        print_json({"ok": all(f.ok for f in findings), "checks": checks})
        if not all(f.ok for f in findings):
            raise typer.Exit(1)
        return
    for finding in findings:
        say(finding.what, first="ok   " if finding.ok else "BAD  ", indent="     ")
        if finding.advice:
            say(finding.advice, first="     → ", indent="       ")
    if not all(f.ok for f in findings):
        raise typer.Exit(1)
