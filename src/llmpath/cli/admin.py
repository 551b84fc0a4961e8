"""`llmpath where`: the paths in use."""

from __future__ import annotations

import typer

from .common import JSON_OPTION, handle_errors, paths_of, print_json


def register(app: typer.Typer) -> None:
    app.command("where")(where)


@handle_errors
def where(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Print the paths in use: data directory, database, caches and roadmap file.

    \b
    Example:
      llmpath where --json
    """
    from ..store.database import database_of

    paths = paths_of(ctx)
    database = database_of(paths)
    found = {
        "data_dir": str(paths.data_dir),
        "database": database.label,  # a server's URL with its password masked
        "badge_cache": str(paths.badge),
        "roadmap": str(paths.roadmap),
        "roadmap_is_bundled": paths.roadmap_is_bundled,
    }
    if as_json:
        print_json(found)
        return
    from ..safetext import visible

    origin = "bundled" if paths.roadmap_is_bundled else "custom: --roadmap or LLMPATH_ROADMAP"
    lines = [
        ("data dir", paths.data_dir),
        ("database", database.label),
        ("badge", paths.badge),
        ("roadmap", f"{paths.roadmap} ({origin})"),
    ]
    for label, value in lines:
        # A directory name can hold anything, a newline or an escape sequence included.
        typer.echo(f"{label + ':':<10} {visible(value)}")
