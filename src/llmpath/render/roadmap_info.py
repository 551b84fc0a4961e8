"""What the roadmap says about a track and its stages: `track show`, `show STAGE`, and the stage's
objectives `next` shows on entering it. All of it is roadmap text, so it goes through Text, never
markup."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..domain.state import State
from ..roadmap.schema import Stage, Track
from .console import bullet_list, mark

OBJECTIVES_LABEL = "Learning Objectives:"  # the line of a stage's body that says what it is for
INDENT = 2


def stage_objectives(stage: Stage) -> str | None:
    """What a stage is for, in a sentence or two: its body's objectives line, else its summary."""
    for line in (stage.body or "").splitlines():
        if line.strip().startswith(OBJECTIVES_LABEL):
            return line.strip().removeprefix(OBJECTIVES_LABEL).strip() or stage.summary
    return stage.summary


def entering(state: State, stage: Stage) -> bool:
    """True while no topic of the stage is done or in progress: the learner is about to begin it."""
    return all(state.status(topic_id) not in ("done", "in_progress") for topic_id in stage.topics)


def labelled(label: str, value: str) -> Text:
    return Text.assemble((f"{label}: ", "bold"), value)


def indented(*parts: RenderableType) -> Padding:
    return Padding(Group(*parts), (0, 0, 0, INDENT), expand=False)


def stage_parts(stage: Stage) -> list[RenderableType]:
    """A stage's heading, then its figures, summary, body and what it builds on, indented."""
    heading = Text.assemble((stage.title, "bold"), (f"  {stage.id}", "dim"))
    figures = [f"{len(stage.topics)} {'topic' if len(stage.topics) == 1 else 'topics'}"]
    if stage.estimate:
        figures.append(stage.estimate.text())
    if stage.level:
        figures.append(f"level: {stage.level}")
    details: list[RenderableType] = [Text(" · ".join(figures), style="dim")]
    if stage.summary:
        details.append(Text(stage.summary, style="italic"))
    if stage.body:
        details += [Text(line) for line in stage.body.splitlines() if line.strip()]
    if stage.modules:
        details.append(labelled("Modules", ", ".join(stage.modules)))
    if stage.prerequisites:
        details.append(labelled("Builds on", ", ".join(stage.prerequisites)))
    return [heading, indented(*details)]


def render_track_info(console: Console, track: Track, active: bool) -> None:
    """`llmpath track show`: what the roadmap says about a track, then each of its stages."""
    console.print(Text.assemble((track.title, "bold"), (f"  {track.id}" + ("  (active)" if active else ""), "dim")))
    facts = [f"source roadmap {track.source}"] if track.source else []
    facts.append(f"{len(track.stages)} stages, {len(track.topic_ids())} topics")
    console.print(Text(" · ".join(facts), style="dim"))
    if track.description:
        console.print(Text(track.description))
    if track.estimate:
        console.print(labelled("Estimate", track.estimate))
    if track.paper_target:
        console.print(labelled("Papers", f"aim for {track.paper_target} a week"))
    if track.recommended_path:
        console.print(Text("Recommended path", style="bold"))
        console.print(bullet_list([Text(step) for step in track.recommended_path], "", INDENT - 1))
    if track.entry_points:
        console.print(Text("Where to start", style="bold"))
        starts = [
            Text.assemble(point.title, (f"  --from {point.id}", "dim"), f" ({point.stage})")
            for point in track.entry_points
        ]
        console.print(bullet_list(starts, "•", INDENT - 1))
    console.print(Text("Stages", style="bold"))
    for stage in track.stages:
        console.print(indented(*stage_parts(stage)))
    if track.research_areas:
        console.print(Text("Research areas", style="bold"))
        console.print(bullet_list([Text(area) for area in track.research_areas], "•", INDENT - 1))
    if track.faq:
        console.print(Text("Questions learners ask", style="bold"))
        for entry in track.faq:
            console.print(indented(Text(entry.question, style="bold"), indented(Text(entry.answer))))
    if track.closing:
        console.print(Text(track.closing, style="italic"))
    console.print(Text(f"Begin it: llmpath track use {track.id} · a stage in full: llmpath show STAGE", style="dim"))


def render_stage_info(console: Console, state: State, track: Track, stage: Stage) -> None:
    """`llmpath show STAGE`: the stage as `track show` gives it, then its topics with their status."""
    console.print(Text.assemble(("Stage of ", "dim"), (track.title, "bold"), (f"  {track.id}", "dim")))
    for part in stage_parts(stage):
        console.print(part)
    console.print(Text("Topics", style="bold"))
    topics = Table.grid(padding=(0, 1, 0, 0))
    topics.add_column(width=INDENT + 1, justify="right", no_wrap=True)
    topics.add_column(ratio=1, overflow="fold")  # an id too long for the line is folded, whole
    for topic_id in stage.topics:
        title = state.roadmap.display_title(topic_id, track)
        topics.add_row(mark(state.status(topic_id)), Text.assemble(title, (f"  {topic_id}", "dim")))
    console.print(topics)


def objectives_line(stage: Stage) -> Text | None:
    """The line `next` adds on entering a stage: what the stage is for."""
    objectives = stage_objectives(stage)
    if objectives is None:
        return None
    return Text.assemble(("New stage: ", "bold"), objectives)
