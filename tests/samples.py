"""Small roadmaps for tests, as the Python data a YAML file would hold; names from the bundled roadmap
that several tests use; and an export made elsewhere."""

import copy
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

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


# The first ten steps of the bundled researcher track (each also on other tracks), and ten papers of
# the catalog, the must-read ones first.
RESEARCHER_STEPS = [
    "math-foundations",
    "classical-ml",
    "deep-learning",
    "transformer-architecture",
    "llm-architectures",
    "fine-tuning",
    "rlhf-alignment",
    "rag-systems",
    "multimodal-models",
    "reading-papers",
]
CATALOG_PAPERS = [
    "attention-is-all-you-need",
    "bert",
    "gpt-3",
    "instructgpt",
    "llama",
    "lora",
    "rag",
    "constitutional-ai",
    "scaling-laws-kaplan",
    "llama-3",
]


def elsewhere_export(path, topic, paper):
    """A version 2 export from elsewhere: one status change and one paper read, read today."""
    at, today = datetime.now(UTC).isoformat(), date.today().isoformat()
    changes = [
        {"uid": "elsewhere-status", "kind": "status", "summary": f"marked done: {topic}"},
        {"uid": "elsewhere-read", "kind": "paper_read", "summary": f"logged a reading of {paper}"},
    ]
    document = {
        "format": "llmpath-export",
        "version": 2,
        "changes": [{**c, "at": at, "reverts": None, "imported_by": None} for c in changes],
        "status_events": [
            {
                "uid": "e1",
                "change": "elsewhere-status",
                "topic": topic,
                "status": "done",
                "on": today,
                "at": at,
                "note": None,
            }
        ],
        "paper_reads": [
            {"uid": "r1", "change": "elsewhere-read", "paper": paper, "on": today, "at": at, "note": None, "pass": 1}
        ],
    }
    path.write_text(json.dumps(document))
    return path


def views(cli_json):
    """What the read path shows: every status on the complete track, this week's papers, the track."""
    week = cli_json("papers", "--week")
    return {
        "statuses": {t["id"]: t["status"] for t in cli_json("list", "--track", "complete")["topics"]},
        "week": {k: week[k] for k in ("monday", "count", "target")},
        "active": cli_json("track")["active"],
    }


FIXTURES = Path(__file__).parent / "fixtures"


def older_store(home, fixture):
    """A store as an older release left it (tests/fixtures/store-NNNN.sql), in `home`; its path."""
    home.mkdir(parents=True, exist_ok=True)
    database = home / "llmpath.db"
    connection = sqlite3.connect(database)
    try:
        connection.executescript((FIXTURES / fixture).read_text())
    finally:
        connection.close()
    return database
