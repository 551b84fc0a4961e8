"""Small roadmaps for tests, as the Python data a YAML file would hold."""

import copy

import yaml

TINY = {
    "version": 1,
    "default_track": "main",
    "tracks": [
        {
            "id": "main",
            "title": "Main",
            "entry_points": [{"id": "late", "title": "Late start", "stage": "second"}],
            "stages": [
                {"id": "first", "title": "First", "topics": ["alpha", "beta"]},
                {
                    "id": "second",
                    "title": "Second",
                    "modules": ["mod"],
                    "estimate": {"min": 2, "max": 4, "unit": "weeks"},
                },
            ],
        },
        {
            "id": "levels",
            "title": "Levels",
            "stages": [
                {"id": "junior", "title": "Junior", "level": "Practitioner", "topics": ["alpha"]},
                {
                    "id": "senior",
                    "title": "Senior",
                    "level": "Architect",
                    "topics": ["delta"],
                    "prerequisites": ["junior"],
                },
            ],
        },
    ],
    "modules": [{"id": "mod", "title": "Module", "prerequisites": ["first"]}],
    "topics": [
        {"id": "alpha", "title": "Alpha", "checklist": ["one", "two"]},
        {
            "id": "beta",
            "title": "Beta",
            "prerequisites": ["alpha"],
            "resources": [{"title": "Site", "url": "https://example.org"}],
        },
        {"id": "gamma", "title": "Gamma", "module": "mod", "checklist": {"Group": ["x"]}},
        {"id": "delta", "title": "Delta"},
    ],
    "papers": [
        {
            "id": "paper",
            "title": "A Paper",
            "year": 2020,
            "arxiv": "2001.08361",
            "priority": "Essential",
            "topics": ["alpha"],
        }
    ],
}


def tiny(change=None):
    data = copy.deepcopy(TINY)
    if change:
        change(data)
    return data


def write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
