"""Loading and checking a roadmap takes time linear in its size.

The roadmaps here have the shapes that once made it quadratic: stages listing thousands of topics
one by one, stages listing hundreds of modules, and a stage's prerequisites naming the whole stage
before it (so each topic requires every topic of that stage). The test compares two sizes on the
same machine, never a wall-clock limit.
"""

import json
import time

from llmpath.roadmap.loader import parse_roadmap

STAGES = 5
MODULE_SIZE = 5


def roadmap_text(topics: int) -> str:
    """A valid roadmap of `topics` topics, as JSON (which is YAML).

    Each stage holds one run of the topics, most of them in modules of five. Every prerequisite
    points back in that order (a topic to earlier topics, a module to the module before, a stage
    to the stage before), so no track has a cycle.
    """
    ids = [f"t{i}" for i in range(topics)]
    runs = [ids[s * topics // STAGES : (s + 1) * topics // STAGES] for s in range(STAGES)]
    modules: list[list[str]] = []  # each module's topics
    stage_modules: list[list[str]] = []  # each stage's module ids
    stage_free: list[list[str]] = []  # each stage's topics in no module
    for run in runs:
        in_modules = run[: len(run) * 4 // 5]
        first = len(modules)
        modules += [in_modules[i : i + MODULE_SIZE] for i in range(0, len(in_modules), MODULE_SIZE)]
        stage_modules.append([f"m{n}" for n in range(first, len(modules))])
        stage_free.append(run[len(in_modules) :])
    module_of = {t: f"m{n}" for n, members in enumerate(modules) for t in members}

    def stages(prefix: str, listing) -> list[dict]:  # noqa: ANN001
        return [
            {
                "id": f"{prefix}-{s}",
                "title": f"{prefix.title()} {s}",
                **listing(s),
                **({"prerequisites": [f"{prefix}-{s - 1}"]} if s else {}),
            }
            for s in range(STAGES)
        ]

    data = {
        "version": 1,
        "modules": [
            {"id": f"m{n}", "title": f"Module {n}", **({"prerequisites": [f"m{n - 1}"]} if n else {})}
            for n in range(len(modules))
        ],
        "topics": [
            {
                "id": t,
                "title": f"Topic {i}",
                **({"module": module_of[t]} if t in module_of else {}),
                **({"prerequisites": [ids[i - 1], ids[i // 2]]} if i > 1 and i % 3 == 0 else {}),
            }
            for i, t in enumerate(ids)
        ],
        "tracks": [
            {
                "id": "by-module",
                "title": "By module",
                "stages": stages("part", lambda s: {"modules": stage_modules[s], "topics": stage_free[s]}),
            },
            {"id": "one-by-one", "title": "One by one", "stages": stages("level", lambda s: {"topics": runs[s]})},
        ],
        "papers": [
            {"id": f"p{i}", "title": f"Paper {i}", "topics": [ids[i], ids[-i - 1]]} for i in range(topics // 10)
        ],
    }
    return json.dumps(data)


def load_time(topics: int, runs: int) -> float:
    """The quickest of `runs` loads: the least disturbed by whatever else the machine runs."""
    text = roadmap_text(topics)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        roadmap = parse_roadmap(text, "scale.yaml")
        best = min(best, time.perf_counter() - started)
        assert len(roadmap.topics) == topics
    # Checked whole: here each topic of the last level requires every topic of the level before.
    track = roadmap.track("one-by-one")
    assert len(roadmap.requirements(track, track.stages[-1].topics[0])) >= topics // STAGES
    return best


def test_a_big_roadmap_loads_in_time_linear_in_its_size():
    ratio = load_time(5_000, runs=2) / load_time(500, runs=5)
    assert ratio < 25, f"10x the topics took {ratio:.1f}x the time to load"
