"""A track as a Markdown checklist with the learner's marks, to share or paste into notes."""

from __future__ import annotations

from .domain.progress import tally
from .domain.state import State
from .roadmap.schema import Module, Track
from .safetext import visible

STATUS_NOTES = {"in_progress": " *(in progress)*", "skipped": " *(skipped)*"}


def escape(text: str) -> str:
    """Markdown's inline specials escaped and controls shown visibly, so titles show as written
    and nothing in them acts on the terminal or the Markdown viewer."""
    text = visible(text)
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def checklist(state: State, track: Track) -> str:
    overall = tally(state, track.topic_ids())
    lines = [
        f"# {escape(track.title)}",
        "",
        f"{overall.done} of {overall.counted} topics done ({overall.percent:g}%)."
        + (f" Optional: {overall.optional_done} of {overall.optional} done." if overall.optional else ""),
    ]
    for stage in track.stages:
        stage_tally = tally(state, stage.topics)
        lines += ["", f"## {escape(stage.title)} ({stage_tally.fraction(with_optional=True)})", ""]
        current_module: Module | None = None
        for topic_id in stage.topics:
            topic = state.roadmap.topics[topic_id]
            module = state.roadmap.module_on(track, topic_id)
            if module is not None and module != current_module:
                current_module = module
                lines += ["", f"### {escape(module.title)}", ""]
            status = state.status(topic_id)
            box = "x" if status in ("done", "skipped") else " "
            title = f"~~{escape(topic.title)}~~" if status == "skipped" else escape(topic.title)
            optional = " *(optional)*" if state.roadmap.is_optional(topic_id) else ""
            lines.append(f"- [{box}] {title}{optional}{STATUS_NOTES.get(status, '')}")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
