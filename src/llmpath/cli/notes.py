"""Notes and links of the learner's own on topics: `note` and `link`."""

from __future__ import annotations

import typer

from .. import completion
from .common import handle_errors, paths_of, say, state_of, today
from .study import ON_OPTION, one_topic

TOPIC_ARGUMENT = typer.Argument(
    ..., metavar="TOPIC", help="A topic id, title, list number or close match.", autocompletion=completion.topics
)


def register(app: typer.Typer) -> None:
    app.command("note")(note)
    app.command("link")(link)


@handle_errors
def note(
    ctx: typer.Context,
    topic: str = TOPIC_ARGUMENT,
    text: str = typer.Argument(..., metavar="TEXT", help="The note (quote it)."),
    on: str = ON_OPTION,
) -> None:
    """Add a dated note to a topic without changing its status; `show` lists a topic's notes,
    `log` has them in your history, and `undo` takes one back.

    \b
    Examples:
      llmpath note rag-retrieval-methods "hybrid search beat BM25 on our docs"
      llmpath note 12 "revisit after the LoRA paper" --on yesterday
    """
    from ..app import changes
    from ..domain.dates import parse_day
    from ..domain.inputs import clean_note

    kept = clean_note(text)
    if kept is None:
        from ..errors import UsageError

        raise UsageError("the note is empty; write it after the topic, in quotes")
    state = state_of(ctx)
    topic_id = one_topic(state, topic)
    day = parse_day(on, today()) if on else today()
    after = changes.add_note(paths_of(ctx), [topic_id], kept, day)
    say(f"✎ noted on {after.display_title(topic_id)} ({day.isoformat()})")


@handle_errors
def link(
    ctx: typer.Context,
    topic: str = TOPIC_ARGUMENT,
    url: str = typer.Argument(..., metavar="URL", help="An http, https or file address."),
    title: str = typer.Option(None, "--title", metavar="TEXT", help="What the link is, as `show` and `next` list it."),
) -> None:
    """Add a resource of your own to a topic; `show` and `next` list it beside the roadmap's.

    \b
    Examples:
      llmpath link rag-retrieval-methods https://example.org/hybrid-search --title "Hybrid search notes"
      llmpath link lora file:///home/me/papers/lora-annotated.pdf
    """
    from ..app import changes
    from ..domain.inputs import clean_link_title, clean_url

    kept_url, kept_title = clean_url(url), clean_link_title(title)
    state = state_of(ctx)
    topic_id = one_topic(state, topic)
    after = changes.add_link(paths_of(ctx), topic_id, kept_url, kept_title)
    say(f"🔗 linked to {after.display_title(topic_id)}: {kept_title or kept_url}")
