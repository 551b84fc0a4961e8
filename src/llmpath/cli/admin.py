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
    paths = paths_of(ctx)
    found = {
        "data_dir": str(paths.data_dir),
        "database": str(paths.database),
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
        ("database", paths.database),
        ("badge", paths.badge),
        ("roadmap", f"{paths.roadmap} ({origin})"),
    ]
    for label, value in lines:
        # A directory name can hold anything, a newline or an escape sequence included.
        typer.echo(f"{label + ':':<10} {visible(value)}")
