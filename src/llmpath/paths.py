"""Every path llmpath uses, from one place, with environment overrides.

LLMPATH_HOME names the data directory (default: the platform's user data directory);
LLMPATH_ROADMAP names a roadmap file to use instead of the bundled one; LLMPATH_DATABASE_URL (or
`database_url` in the data directory's config.toml) names a PostgreSQL database to use instead of
the SQLite file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .badge import BADGE_NAME, DATABASE_NAME  # the badge module is the lightest; names live there

APP_NAME = "llmpath"
CACHE_LOCK_NAME = "cache.lock"
CONFIG_NAME = "config.toml"
DATABASE_URL_VARIABLE = "LLMPATH_DATABASE_URL"


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

    @property
    def config(self) -> Path:
        return self.data_dir / CONFIG_NAME

    @cached_property
    def database_url(self) -> str | None:
        """The PostgreSQL database to use, or None for the SQLite file (see database_url)."""
        return database_url(self.config)


def database_url(config: Path) -> str | None:
    """LLMPATH_DATABASE_URL, else `database_url` in config.toml, else None.

    A config file that holds a password must be readable by its owner only, as ssh asks of a key:
    otherwise it is refused, whatever else it says.
    """
    from .errors import UsageError

    url = os.environ.get(DATABASE_URL_VARIABLE)
    where = DATABASE_URL_VARIABLE
    if not url:
        url, where = _configured_url(config), str(config)
    if not url:
        return None
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise UsageError(f"{where}: not a postgresql:// URL; give postgresql://USER:PASSWORD@HOST/DATABASE")
    return url


def _configured_url(config: Path) -> str | None:
    import stat

    from .errors import UsageError
    from .files import MiB, Refused, open_regular, read_at_most

    try:
        with open_regular(config) as handle:
            text = read_at_most(handle, MiB).decode("utf-8")
            mode = os.fstat(handle.fileno()).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None  # no config; a data directory that is not one is refused where it is used
    except (Refused, OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {config}: {error}; fix or remove it") from None
    import tomllib

    try:
        url = tomllib.loads(text).get("database_url")
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{config} is not valid TOML ({error}); fix or remove it") from None
    if url is None:
        return None
    if not isinstance(url, str):
        raise UsageError(f"{config}: database_url must be a string (a postgresql:// URL)")
    from urllib.parse import urlsplit

    if urlsplit(url).password is not None and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(f"{config} holds a password and others can read it; run: chmod 600 {config}")
    return url


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
