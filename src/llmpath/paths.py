"""Every path llmpath uses, from one place, with environment overrides.

LLMPATH_HOME names the data directory (default: the platform's user data directory);
LLMPATH_ROADMAP names a roadmap file to use instead of the bundled one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .badge import BADGE_NAME, DATABASE_NAME  # the badge module is the lightest; names live there

APP_NAME = "llmpath"
CACHE_LOCK_NAME = "cache.lock"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    roadmap: Path
    roadmap_is_bundled: bool

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @property
    def badge(self) -> Path:
        return self.data_dir / BADGE_NAME

    @property
    def cache_lock(self) -> Path:
        """Held by whoever writes the store or its caches, so a cache never outlives its generation."""
        return self.data_dir / CACHE_LOCK_NAME


def user_path(text: str | os.PathLike[str]) -> Path:
    """A path as the user typed it, `~` and `~user` expanded; an unknown user is a usage error."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~name of a user this system does not know
        from .errors import UsageError

        raise UsageError(f"{str(text)!r}: no such user's home directory; give the path in full") from None


def data_dir() -> Path:
    home = os.environ.get("LLMPATH_HOME")
    if home:
        return user_path(home)
    return platform_data_dir()


def platform_data_dir() -> Path:
    """The platform's user data directory for llmpath, whatever LLMPATH_HOME says."""
    import platformdirs  # only when needed: keeps the common scripted path light

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def bundled_roadmap() -> Path:
    installed = Path(__file__).parent / "data" / "roadmap.yaml"
    if installed.is_file():
        return installed
    # An editable install or a source checkout: the dataset lives at the repository's top.
    return Path(__file__).resolve().parents[2] / "data" / "roadmap.yaml"


def resolve(roadmap: str | os.PathLike[str] | None = None) -> Paths:
    """The paths in use; `roadmap` (the --roadmap option) wins over LLMPATH_ROADMAP."""
    chosen = roadmap or os.environ.get("LLMPATH_ROADMAP")
    if chosen:
        return Paths(data_dir(), user_path(chosen), roadmap_is_bundled=False)
    return Paths(data_dir(), bundled_roadmap(), roadmap_is_bundled=True)
