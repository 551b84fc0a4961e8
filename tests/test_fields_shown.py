"""Every field the loader keeps on a topic, a module or a paper reaches the learner: `show TOPIC`
or `papers show PAPER` prints it, as text or in --json. A field added to the schema and shown by
neither fails here (tracks and stages: tests/test_track_show.py)."""

import dataclasses
import json

import pytest
from test_track_show import BUNDLED, flat, texts

SAMPLES = 3  # entries checked for each field: the first that hold a value for it
DEFAULTS = {"kind": "topic"}  # a field at its default says nothing to show


def holding(entries, name):
    """The first entries whose field `name` holds something a learner would read."""
    found = [e for e in entries if texts(getattr(e, name)) and getattr(e, name) != DEFAULTS.get(name)]
    return found[:SAMPLES]


def unshown(entry, where, out):
    """The texts of `entry`'s fields that `out` does not hold, by field."""
    return [
        f"{where}.{part.name}: {text!r}"
        for part in dataclasses.fields(entry)
        if getattr(entry, part.name) != DEFAULTS.get(part.name)
        for text in texts(getattr(entry, part.name))
        if flat(text)[:30] not in out
    ]


def shown(cli, *command):
    """What a command prints, as text and as JSON (every string in it), in one flat string."""
    data = json.loads(cli(*command, "--json").stdout)
    strings = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            strings.append(str(value))

    walk(data)
    return flat(cli(*command).stdout) + " " + flat(" ".join(strings))


@pytest.mark.parametrize("kind", ["topic", "module", "paper"])
def test_every_field_is_shown_by_some_command(cli, monkeypatch, kind):
    monkeypatch.setenv("COLUMNS", "200")  # no id folded across lines: what is compared is the text
    topics = [t for t in BUNDLED.topics.values() if not t.retired]
    if kind == "paper":
        entries = list(BUNDLED.papers.values())
        names = [f.name for f in dataclasses.fields(entries[0])]
        chosen = {e.id: e for name in names for e in holding(entries, name)}
        missing = [m for e in chosen.values() for m in unshown(e, e.id, shown(cli, "papers", "show", e.id))]
    elif kind == "module":
        modules = list(BUNDLED.modules.values())
        names = [f.name for f in dataclasses.fields(modules[0])]
        chosen = {m.id: m for name in names for m in holding(modules, name)}
        missing = []
        for module in chosen.values():
            member = next(t for t in topics if t.module == module.id)
            missing += unshown(module, module.id, shown(cli, "show", member.id))
    else:
        names = [f.name for f in dataclasses.fields(topics[0])]
        chosen = {t.id: t for name in names for t in holding(topics, name)}
        missing = [m for t in chosen.values() for m in unshown(t, t.id, shown(cli, "show", t.id))]
    assert not missing, "loaded but shown by no command:\n" + "\n".join(missing)
