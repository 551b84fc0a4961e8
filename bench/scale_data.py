"""Deterministic large inputs for bench/scale.py: a roadmap of any size and an export to import.

`write_roadmap(path, topics)` writes a roadmap shaped like the bundled data/roadmap.yaml: four
tracks (the first is the default), stages that list whole modules or single topics, modules of
about six topics, prerequisites between topics, modules and stages, checklists, resources and a
paper catalog of about one paper per three topics. The number of tracks and stages is fixed, as in
the bundled roadmap, so views with one row per stage (`progress`) do not grow with the size; the
stages grow instead.

Every prerequisite points backwards in one global order of the topics, so the graph is acyclic on
every track: topic prerequisites name earlier topics, module prerequisites earlier modules (or the
opening topics), and stage prerequisites the stage before on the same track.

A few topics and one paper carry the bundled roadmap's ids (SHARED_TOPICS, SHARED_PAPER), so one
command line (`llmpath show transformer-positional-encoding`) works against both roadmaps.
`write_history(path, topic_ids, paper_ids, ...)` writes an `llmpath export` file (format version
1, see llmpath.exchange) for `llmpath import`; leave the shared topics out of `topic_ids` when a
benchmark marks them done and undoes that.

`write_inputs(directory, topics)` writes both, as bench/scale.py needs them; run as a script it
does that in a process of its own (see `main`).

Both files are written as compact JSON (valid YAML, and read quickly by PyYAML's C loader), so
50,000 topics take seconds. The same arguments (and the same `now`, for the history) give the
same bytes.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SEED = 20_24

# Ids the bundled roadmap also has: the benchmark shows and marks these on both roadmaps.
SHOW_TOPIC = "transformer-positional-encoding"
DONE_TOPIC = "tokenization-preprocessing"
SHARED_TOPICS = (SHOW_TOPIC, DONE_TOPIC)
SHARED_PAPER = "lora"

DEFAULT_TRACK = "developer"
# (track id, number of stages): as many as the bundled roadmap's tracks have.
TRACK_STAGES = {"developer": 5, "specialist": 4, "complete": 10, "researcher": 12}
OPENING_SHARE = 0.02  # topics before every module, like "programming-foundations"
FREE_SHARE = 0.13  # topics in no module, listed one by one by the topic-list tracks
COMPLETE_SAMPLE = 0.25  # share of all topics the "complete" track lists one by one
RESEARCH_SAMPLE = 0.05  # share of the module topics the "researcher" track lists as well

WORDS = (
    "attention", "tokens", "embedding", "scaling", "sparse", "kernel", "retrieval", "alignment",
    "decoding", "sampling", "quantized", "adapter", "mixture", "experts", "context", "memory",
    "gradient", "optimizer", "pretrain", "finetune", "eval", "benchmark", "serving", "latency",
    "batching", "pipeline", "distill", "pruning", "reward", "preference", "agents", "tools",
    "vision", "speech", "safety", "probing", "data", "synthetic", "long", "rotary", "norms",
    "residual", "heads", "loss", "cache", "prompts", "search", "graphs", "rlhf", "lora",
)  # fmt: skip
DIFFICULTIES = ("Beginner", "Intermediate", "Advanced", "Expert")
LEVELS = ("Practitioner", "Engineer", "Specialist", "Architect")
PRIORITIES = ("Essential", "Important", "Recommended")
STATUS_WEIGHTS = {"in_progress": 35, "done": 45, "skipped": 8, "todo": 12}
UTC_OFFSETS = (0, 60, 120, -300, -420, 330, 540)  # minutes east of UTC
HISTORY_DAYS = 730
PREREQUISITE_WINDOW = 60  # a topic's prerequisites are among the topics just before it


def _phrase(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.sample(WORDS, rng.randint(low, high)))


def _title(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return _phrase(rng, low, high).capitalize()


def _chunks(items: Sequence[str], count: int) -> list[list[str]]:
    """`items` cut into `count` contiguous, non-empty runs in order (fewer if too few items)."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def _topic(rng: random.Random, topic_id: str, index: int, module: str | None, earlier: list[str]) -> dict[str, Any]:
    """One topic entry; `earlier` are the topics just before it, its possible prerequisites."""
    topic: dict[str, Any] = {"id": topic_id, "title": _title(rng, 1, 3)}
    if module:
        topic["module"] = module
    if rng.random() < 0.08:
        topic["body"] = _phrase(rng, 4, 7)
    shape = rng.random()
    if shape < 0.65:
        topic["checklist"] = [_phrase(rng, 1, 2) for _ in range(rng.randint(1, 2))]
    elif shape < 0.75:
        topic["checklist"] = {_title(rng, 1, 1): [_phrase(rng, 1, 2)]}
    if rng.random() < 0.11:
        topic["resources"] = [{"title": _title(rng, 1, 2), "url": f"https://example.org/{index}"}]
    if earlier and rng.random() < 0.25:
        topic["prerequisites"] = rng.sample(earlier, min(len(earlier), rng.randint(1, 2)))
    return topic


def build_roadmap(topics: int, seed: int = SEED) -> dict[str, Any]:
    """The roadmap data `write_roadmap` writes: `topics` topics (at least 100)."""
    if topics < 100:
        raise ValueError("a generated roadmap needs at least 100 topics")
    rng = random.Random(seed * 1_000_003 + topics)
    n_opening = max(2, int(topics * OPENING_SHARE))
    n_free = max(TRACK_STAGES["researcher"], int(topics * FREE_SHARE))
    n_module_topics = topics - n_opening - n_free

    # The global order: opening topics, then the modules' topics module by module, then free ones.
    ids = [f"t{i}" for i in range(topics)]
    first_module_topic = n_opening
    for offset, shared in enumerate(SHARED_TOPICS):  # well inside the default track's modules
        ids[first_module_topic + n_module_topics // 4 + offset] = shared
    opening = ids[:n_opening]
    module_topic_ids = ids[n_opening : n_opening + n_module_topics]  # the rest are free topics

    # Modules of 4-8 topics (about 6), contiguous in the global order.
    module_of: dict[str, str] = {}
    module_members: list[list[str]] = []
    start = 0
    while start < n_module_topics:
        size = rng.randint(4, 8)
        if n_module_topics - (start + size) < 4:  # no runt module at the end
            size = n_module_topics - start
        module_members.append(module_topic_ids[start : start + size])
        start += size
    modules = []
    for number, members in enumerate(module_members):
        module_id = f"m{number}"
        for topic_id in members:
            module_of[topic_id] = module_id
        module: dict[str, Any] = {"id": module_id, "title": _title(rng), "number": number + 1}
        module["difficulty"] = DIFFICULTIES[min(3, number * 4 // len(module_members))]
        if number and rng.random() < 0.6:
            choices = [f"m{k}" for k in range(max(0, number - 20), number)]
            module["prerequisites"] = rng.sample(choices, min(len(choices), rng.randint(1, 2)))
        elif rng.random() < 0.5:
            module["prerequisites"] = [rng.choice(opening)]
        modules.append(module)

    topic_entries = [
        _topic(rng, topic_id, index, module_of.get(topic_id), ids[max(0, index - PREREQUISITE_WINDOW) : index])
        for index, topic_id in enumerate(ids)
    ]

    # Tracks: two list whole modules (each half of them), two list topics one by one.
    half = len(modules) // 2
    module_ids = [m["id"] for m in modules]
    developer = {
        "id": "developer",
        "title": "Generated developer roadmap",
        "description": "Modules in order, from the opening topics on.",
        "entry_points": [
            {"id": "beginner", "title": "Complete beginner", "stage": "developer-0"},
            {"id": "ml", "title": "ML experience", "stage": "developer-2"},
        ],
        "stages": [{"id": "developer-0", "title": "Prerequisites", "topics": opening}]
        + [
            {
                "id": f"developer-{k + 1}",
                "title": f"Part {k + 1}: {_title(rng)}",
                "estimate": {"min": 4 * (k + 1), "max": 8 * (k + 1), "unit": "weeks"},
                "modules": chunk,
            }
            for k, chunk in enumerate(_chunks(module_ids[:half], TRACK_STAGES["developer"] - 1))
        ],
    }
    specialist_chunks = _chunks(module_ids[half:], TRACK_STAGES["specialist"])
    specialist = {
        "id": "specialist",
        "title": "Generated specialist roadmap",
        "stages": [
            {
                "id": f"specialist-{k}",
                "title": f"{LEVELS[k % len(LEVELS)]} level",
                "level": LEVELS[k % len(LEVELS)],
                "modules": chunk,
                **({"prerequisites": [f"specialist-{k - 1}"]} if k else {}),
            }
            for k, chunk in enumerate(specialist_chunks)
        ],
    }
    complete_topics = sorted(rng.sample(range(topics), int(topics * COMPLETE_SAMPLE)))
    complete = {
        "id": "complete",
        "title": "Generated complete roadmap",
        "recommended_path": ["Start with the first stage", "Read one paper a week"],
        "stages": [
            {"id": f"complete-{k}", "title": _title(rng), "topics": chunk}
            for k, chunk in enumerate(_chunks([ids[i] for i in complete_topics], TRACK_STAGES["complete"]))
        ],
    }
    sampled = rng.sample(range(n_opening, n_opening + n_module_topics), int(n_module_topics * RESEARCH_SAMPLE))
    research_topics = sorted(set(sampled) | set(range(n_opening + n_module_topics, topics)))
    researcher = {
        "id": "researcher",
        "title": "Generated researcher roadmap",
        "paper_target": 2,
        "stages": [
            {
                "id": f"researcher-{k}",
                "title": f"Step {k + 1}: {_title(rng)}",
                "topics": chunk,
                **({"prerequisites": [f"researcher-{k - 1}"]} if k and k % 4 == 0 else {}),
            }
            for k, chunk in enumerate(_chunks([ids[i] for i in research_topics], TRACK_STAGES["researcher"]))
        ],
    }

    papers = []
    for number in range(max(1, topics // 3)):
        paper_id = SHARED_PAPER if number == 0 else f"p{number}"
        paper: dict[str, Any] = {"id": paper_id, "title": _title(rng, 2, 3), "year": rng.randint(2013, 2025)}
        if rng.random() < 0.5:
            paper["arxiv"] = f"{rng.randint(13, 25):02d}{rng.randint(1, 12):02d}.{rng.randint(1, 19999):05d}"
        if rng.random() < 0.6:
            paper["priority"] = rng.choice(PRIORITIES)
        if rng.random() < 0.15:
            paper["contribution"] = _phrase(rng, 2, 3)
        anchor = rng.randrange(topics)
        near = sorted({min(topics - 1, anchor + rng.randint(0, 12)) for _ in range(rng.randint(1, 3))})
        paper["topics"] = [ids[i] for i in near]
        papers.append(paper)

    return {
        "version": 1,
        "default_track": DEFAULT_TRACK,
        "tracks": [developer, specialist, complete, researcher],
        "modules": modules,
        "topics": topic_entries,
        "papers": papers,
    }


def write_roadmap(path: Path, topics: int, seed: int = SEED) -> dict[str, Any]:
    """Write a generated roadmap of `topics` topics to `path` as compact JSON; returns its data."""
    data = build_roadmap(topics, seed)
    Path(path).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return data


# --- history ------------------------------------------------------------------------------------


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _timeline(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """`count` strictly increasing UTC instants (whole seconds) spread between `start` and `end`."""
    span = int((end - start).total_seconds())
    seconds = sorted(rng.randrange(span) for _ in range(count))
    for i in range(1, count):
        if seconds[i] <= seconds[i - 1]:
            seconds[i] = seconds[i - 1] + 1
    return [start + timedelta(seconds=s) for s in seconds]


class _Clock:
    """Local dates and offset times for a stream of instants, the offset changing now and then
    (a learner who travels)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.zone = timezone(timedelta(minutes=UTC_OFFSETS[0]))

    def stamp(self, moment: datetime) -> tuple[str, str]:
        if self.rng.random() < 0.0005:
            self.zone = timezone(timedelta(minutes=self.rng.choice(UTC_OFFSETS)))
        local = moment.astimezone(self.zone)
        return local.date().isoformat(), local.isoformat()


def build_history(
    topic_ids: Sequence[str],
    paper_ids: Sequence[str],
    status_events: int = 50_000,
    paper_reads: int = 20_000,
    now: datetime | None = None,
    seed: int = SEED,
) -> dict[str, Any]:
    """The export document `write_history` writes; its records end an hour before `now`."""
    if not topic_ids or not paper_ids:
        raise ValueError("a history needs topics and papers to refer to")
    rng = random.Random(seed * 7 + status_events * 3 + paper_reads)
    # Before now: `llmpath undo` reverts the latest change by record time, which must be the
    # benchmark's own `done`, not an imported event stamped later in the day.
    end = (now or datetime.now(UTC)).replace(microsecond=0) - timedelta(hours=1)
    start = end - timedelta(days=HISTORY_DAYS)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())

    # Status changes, in batches of 1-3 topics (`llmpath done a b c` makes one batch).
    sizes = []
    left = status_events
    while left > 0:
        sizes.append(min(left, rng.randint(1, 3)))
        left -= sizes[-1]
    clock = _Clock(rng)
    current: dict[str, str] = {}
    events: list[dict[str, Any]] = []
    undos: list[dict[str, Any]] = []
    for size, moment in zip(sizes, _timeline(rng, len(sizes), start, end), strict=True):
        on, at = clock.stamp(moment)
        batch = _uid(rng)
        before = {}
        for topic_id in rng.sample(topic_ids, min(size, len(topic_ids))):
            status = rng.choices(statuses, weights)[0]
            if status == current.get(topic_id, "todo"):  # llmpath records only real changes
                status = "done" if status != "done" else "in_progress"
            before[topic_id] = current.get(topic_id, "todo")
            current[topic_id] = status
            note = _phrase(rng, 3, 8) if rng.random() < 0.05 else None
            events.append(
                {
                    "uid": _uid(rng),
                    "batch": batch,
                    "topic": topic_id,
                    "status": status,
                    "on": on,
                    "at": at,
                    "note": note,
                }
            )
        if rng.random() < 0.002:  # undone a moment later
            undo_at = (moment + timedelta(milliseconds=500)).astimezone(clock.zone).isoformat()
            undos.append({"uid": _uid(rng), "batch": batch, "at": undo_at})
            current.update(before)

    own_papers = [
        {
            "id": f"own-{_phrase(rng, 2, 2).replace(' ', '-')}-{k}",
            "title": _title(rng, 3, 5),
            "created_at": start.isoformat(),
        }
        for k in range(3)
    ]
    readable = list(paper_ids) + [p["id"] for p in own_papers]
    clock = _Clock(rng)
    reads = []
    for moment in _timeline(rng, paper_reads, start + timedelta(hours=1), end):
        on, at = clock.stamp(moment)
        reads.append(
            {
                "uid": _uid(rng),
                "paper": rng.choice(readable),
                "on": on,
                "at": at,
                "note": _phrase(rng, 2, 10) if rng.random() < 0.3 else None,
                "pass": rng.choice((1, 2, 3, None)),
            }
        )

    targets = []
    for moment, target in zip(_timeline(rng, 3, start, end), (2, 3, 2), strict=True):
        on, at = clock.stamp(moment)
        targets.append({"uid": _uid(rng), "target": target, "on": on, "at": at})
    settings = [{"key": "active_track", "value": DEFAULT_TRACK, "updated_at": (end - timedelta(days=30)).isoformat()}]
    return {
        "format": "llmpath-export",
        "version": 1,
        "exported_at": end.isoformat(),
        "llmpath": "bench",
        "status_events": events,
        "undos": undos,
        "paper_reads": reads,
        "own_papers": own_papers,
        "paper_targets": targets,
        "settings": settings,
    }


def write_history(
    path: Path,
    roadmap_topic_ids: Sequence[str],
    paper_ids: Sequence[str],
    status_events: int = 50_000,
    paper_reads: int = 20_000,
    now: datetime | None = None,
    seed: int = SEED,
) -> dict[str, Any]:
    """Write an `llmpath import` file of that many status events and paper reads; returns its data."""
    data = build_history(roadmap_topic_ids, paper_ids, status_events, paper_reads, now, seed)
    Path(path).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return data


# --- both, for a benchmark ----------------------------------------------------------------------

ROADMAP_FILE = "roadmap.yaml"
HISTORY_FILE = "history.json"


def write_inputs(
    directory: Path, topics: int, status_events: int | None = 50_000, paper_reads: int = 20_000
) -> dict[str, float]:
    """roadmap.yaml and (unless `status_events` is None) history.json in `directory`, the history
    leaving out SHARED_TOPICS; returns the seconds each took to write."""
    directory = Path(directory)
    start = time.perf_counter()
    data = write_roadmap(directory / ROADMAP_FILE, topics)
    seconds = {"roadmap": time.perf_counter() - start}
    if status_events is not None:
        start = time.perf_counter()
        topic_ids = [t["id"] for t in data["topics"] if t["id"] not in SHARED_TOPICS]
        paper_ids = [p["id"] for p in data["papers"]]
        write_history(directory / HISTORY_FILE, topic_ids, paper_ids, status_events, paper_reads)
        seconds["history"] = time.perf_counter() - start
    return seconds


def main(argv: Sequence[str]) -> None:
    """python bench/scale_data.py DIRECTORY TOPICS [STATUS_EVENTS PAPER_READS | --no-history]

    Writes the inputs and prints the seconds each took, as JSON. bench/scale.py runs this in a
    child process, so that its own memory stays small: every command it measures starts as a copy
    of it, and a child's peak memory counts that copy.
    """
    if len(argv) not in (2, 3, 4) or (len(argv) == 3 and argv[2] != "--no-history"):
        raise SystemExit(main.__doc__)
    directory, topics = Path(argv[0]), int(argv[1])
    if len(argv) == 3:
        seconds = write_inputs(directory, topics, None)
    elif len(argv) == 4:
        seconds = write_inputs(directory, topics, int(argv[2]), int(argv[3]))
    else:
        seconds = write_inputs(directory, topics)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1:])
