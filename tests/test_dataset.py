"""The bundled roadmap loads, validates, and holds clean text."""

import re
from pathlib import Path

import pytest

from llmpath import paths
from llmpath.roadmap.loader import load_roadmap

MOJIBAKE = re.compile(r"[\u00c0-\u024f\u0370-\u03ff\u2018-\u201e\u2020-\u2122\uf8ff\U0001f000-\U0001faff\u2600-\u27bf]")


@pytest.fixture(scope="module")
def roadmap():
    return load_roadmap(paths.bundled_roadmap())


def all_text(roadmap):
    for track in roadmap.tracks:
        yield track.title
        yield track.description or ""
        for stage in track.stages:
            yield stage.title
            yield stage.summary or ""
            yield stage.body or ""
    for module in roadmap.modules.values():
        yield module.title
    for topic in roadmap.topics.values():
        yield topic.title
        yield topic.body
        for group in topic.checklist:
            yield group.title or ""
            yield from group.items
        for res in topic.resources:
            yield res.title
    for paper in roadmap.papers.values():
        yield paper.title
        yield paper.contribution or ""


def test_bundled_roadmap_is_found_and_valid(roadmap):
    assert paths.bundled_roadmap().name == "roadmap.yaml"
    assert {t.id for t in roadmap.tracks} == {"developer", "specialist", "complete", "researcher"}
    assert roadmap.default_track == "developer"


def test_track_sizes_follow_the_sources(roadmap):
    developer = roadmap.track("developer")
    assert [s.id for s in developer.stages][1:] == [f"developer-part-{n}" for n in range(1, 5)]
    module_topics = [t for t in developer.topic_ids() if roadmap.topics[t].module]
    assert len(module_topics) == 132
    assert len({roadmap.topics[t].module for t in module_topics}) == 22
    specialist = roadmap.track("specialist")
    kinds = [roadmap.topics[t].kind for t in specialist.topic_ids()]
    assert kinds.count("topic") == 36 and kinds.count("project") == 16
    assert len(roadmap.track("complete").topic_ids()) == 23
    assert len(roadmap.track("researcher").topic_ids()) == 12


def test_estimates_carry_the_sources_figures(roadmap):
    part1 = roadmap.stage("developer-part-1")[1]
    assert part1.estimate.text() == "12-20 weeks"
    expert = roadmap.stage("specialist-expert")[1]
    assert expert.estimate.text() == "12+ months"
    assert expert.level == "Researcher (Expert)"


def test_modules_carry_difficulty_and_prerequisites(roadmap):
    transformer = roadmap.modules["transformer"]
    assert transformer.difficulty == "Advanced"
    assert transformer.prerequisites_note == "Neural networks, linear algebra"
    assert set(transformer.prerequisites) == {"nn-foundations", "math-foundations"}


def test_repeated_section_titles_are_told_apart_by_module(roadmap):
    applications = [t for t in roadmap.topics.values() if t.title == "Applications"]
    assert len(applications) > 1
    shown = {roadmap.display_title(t.id) for t in applications}
    assert len(shown) == len(applications)


def test_shared_topics_serve_every_track_that_covers_them(roadmap):
    tracks_of = {}
    for track in roadmap.tracks:
        for topic_id in track.topic_ids():
            tracks_of.setdefault(topic_id, set()).add(track.id)
    assert tracks_of["math-foundations"] == {"developer", "complete", "researcher"}
    assert tracks_of["prompt-engineering"] == {"complete", "specialist"}
    for topic_id, owners in tracks_of.items():
        sources = {s.split(" > ")[0] for s in roadmap.topics[topic_id].sources}
        assert len(sources) >= len(owners), topic_id


def test_levels_build_on_each_other(roadmap):
    specialist = roadmap.track("specialist")
    required = roadmap.requirements(specialist, "linear-algebra")
    assert "python-basics" in required and "project-telegram-bot" in required
    # a stage's prerequisites hold on its own track only
    complete = roadmap.track("complete")
    assert roadmap.requirements(complete, "scaling-laws") == []


def test_no_researcher_step_is_flagged_optional_on_our_reading(roadmap):
    """The source says its required steps are marked, but the marks were lost: any optional flag
    would be our guess shown as the source's."""
    steps = [roadmap.topics[t] for t in roadmap.track("researcher").topic_ids()]
    assert not any(s.optional for s in steps)


def test_text_is_clean(roadmap):
    for text in all_text(roadmap):
        assert not MOJIBAKE.search(text), text


def test_links_are_only_those_the_sources_give(roadmap, seeds):
    source_text = "".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt"))
    for topic in roadmap.topics.values():
        for res in topic.resources:
            if res.url:
                assert res.url in source_text, (topic.id, res.url)
    for paper in roadmap.papers.values():
        if paper.url:
            assert re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{4,5}", paper.url)


def test_papers_have_unique_arxiv_ids_and_belong_to_topics(roadmap):
    arxiv = [p.arxiv for p in roadmap.papers.values() if p.arxiv]
    assert len(arxiv) == len(set(arxiv))
    assert all(p.topics for p in roadmap.papers.values())
    essentials = [p for p in roadmap.papers.values() if p.priority == "Essential"]
    assert len(essentials) == 7


def test_uses_the_c_loader_where_pyyaml_has_it():
    import yaml

    assert hasattr(yaml, "CSafeLoader") == yaml.__with_libyaml__


def test_dataset_ships_inside_the_wheel():
    """The wheel maps data/roadmap.yaml into the package, where bundled_roadmap() looks first."""
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    mapping = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert mapping == {"data/roadmap.yaml": "llmpath/data/roadmap.yaml"}


def test_recommended_path_steps_are_plain_text(roadmap):
    """A step of a track's recommended path is the step, not the source's list marker kept with it."""
    for track in roadmap.tracks:
        for step in track.recommended_path:
            assert not step.startswith(("- ", "* ")), (track.id, step)


def test_level_labels_keep_the_sources_parentheses(roadmap):
    """The specialist roadmap names its levels `Practitioner (Junior)` ... `Researcher (Expert)`."""
    levels = [stage.level for stage in roadmap.track("specialist").stages]
    assert levels == [
        "Practitioner (Junior)",
        "Engineer with Foundation (Middle)",
        "Architect (Senior)",
        "Researcher (Expert)",
    ]


def points_of(topic):
    """What a resource's `for` may name: a checklist point or a group title of its topic."""
    return {group.title for group in topic.checklist if group.title} | {
        point for group in topic.checklist for point in group.items
    }


def test_every_resource_serves_a_point_of_its_topic(roadmap):
    for topic in roadmap.topics.values():
        for res in topic.resources:
            if res.serves is not None:
                assert res.serves in points_of(topic), (topic.id, res.title, res.serves)


# Names and acronyms that keep their capitals inside a sentence-case title.
PROPER_NAMES = (
    "A/B", "AGI", "AI", "API", "APIs", "BERT", "CI/CD", "Claude", "Constitutional AI", "Docker", "FAQ",
    "Git", "GPT", "Gradio", "Hugging Face", "LangChain", "LLM", "LLMOps", "LLMs", "LoRA", "ML", "NLP",
    "OpenAI", "PEFT", "Python", "PyTorch", "RAG", "RL", "RLHF", "SFT", "Streamlit", "Telegram",
    "TensorFlow", "XAI",
)  # fmt: skip
PROPER_NAME = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, PROPER_NAMES)) + r")(?![\w-])")


def title_case_words(title):
    """The words of a title that start with a capital where sentence case would not: any word but
    the first (of the title, or after a colon: "Part 1: The foundations"), a proper name or an
    acronym. Each part of a hyphenated or slashed word counts ("Pre-Training")."""
    capitals = []
    for clause in PROPER_NAME.sub("name", title).split(": "):
        words = [w.lstrip("(\"'") for w in re.split(r"[\s/-]+", clause)]
        words = [w for w in words if w[:1].isalpha()]  # "10. Ethical ...": the number is no word
        capitals += [w for w in words[1:] if w[0].isupper()]
    return capitals


def test_title_case_words_are_found_and_names_are_not():
    assert title_case_words("Key LLM Models & History") == ["Models", "History"]
    assert title_case_words("Pre-Training large language models") == ["Training"]
    assert title_case_words("Part 1: The foundations") == []
    assert title_case_words("Part 1: The Foundations") == ["Foundations"]
    assert title_case_words("10. Ethical & social implications") == []
    assert title_case_words("OpenAI/Claude API") == []
    assert title_case_words("Hugging Face Spaces") == ["Spaces"]


def test_titles_are_in_sentence_case(roadmap):
    titles = [s.title for track in roadmap.tracks for s in track.stages]
    titles += [m.title for m in roadmap.modules.values()] + [t.title for t in roadmap.topics.values()]
    assert len(titles) > 250
    for title in titles:
        assert not title_case_words(title), title


def id_repeats_a_word(ident, title):
    """True when a word comes back in the id more often than in the title it names: a module's word
    said again by the section (`tokenization-tokenization-fundamentals`), not the title's own
    repeat (`...-sequence-to-sequence-models`)."""
    title_words = re.findall(r"[a-z0-9]+", title.lower())
    words = ident.split("-")
    return any(words.count(word) > max(1, title_words.count(word)) for word in words)


def test_no_id_repeats_a_word(roadmap):
    assert id_repeats_a_word("tokenization-tokenization-fundamentals", "Tokenization fundamentals")
    assert not id_repeats_a_word("traditional-lms-sequence-to-sequence-models", "Sequence-to-sequence models")
    units = [(s.id, s.title) for track in roadmap.tracks for s in track.stages]
    units += [(m.id, m.title) for m in roadmap.modules.values()] + [(t.id, t.title) for t in roadmap.topics.values()]
    for ident, title in units:
        assert not id_repeats_a_word(ident, title), ident


# Ids renamed or merged away, and the topic that has each now: progress recorded under the old id
# is read through the alias.
RENAMED = {
    "tokenization-tokenization-fundamentals": "tokenization-fundamentals",
    "embeddings-static-embeddings": "static-embeddings",
    "embeddings-contextual-embeddings": "contextual-embeddings",
    "embeddings-multimodal-embeddings": "multimodal-embeddings",
    "data-preparation-data-collection": "data-collection",
    "data-preparation-data-processing": "data-processing",
    "pre-training-training-objectives": "training-objectives",
    "pre-training-distributed-training": "distributed-pre-training",
    "preference-alignment-safety-alignment": "safety-alignment",
    "model-evaluation-human-evaluation": "human-evaluation",
    "model-evaluation-automated-evaluation": "automated-evaluation",
    "model-evaluation-evaluation-infrastructure": "evaluation-infrastructure",
    "reasoning-advanced-reasoning": "advanced-reasoning",
    "reasoning-rl-for-reasoning": "rl-for-reasoning",
    "quantization-quantization-theory": "quantization-theory",
    "inference-optimization-memory-optimization": "inference-memory-optimization",
    "inference-optimization-hardware-optimization": "inference-hardware-optimization",
    "architecture-variants-advanced-variants": "advanced-architecture-variants",
    "model-enhancement-model-composition": "model-enhancement-composition",
    "rag-advanced-rag": "advanced-rag",
    "rag-conversational-rag": "conversational-rag",
    "agents-specialized-agents": "specialized-agents",
    "multimodal-llms-multimodal-input": "multimodal-input",
    "llm-security-security-framework": "llm-security-framework",
    "llm-security-security-testing": "llm-security-testing",
    "transformer-basics": "transformer-architecture",
    "fine-tuning-peft": "fine-tuning",
    "production-rag": "rag-systems",
}


def test_every_renamed_id_is_an_alias_of_its_topic(roadmap):
    for old, new in RENAMED.items():
        assert old not in roadmap.topics and old in roadmap.topics[new].aliases, old


def test_an_old_id_still_names_its_topic_and_keeps_its_progress(cli, cli_json):
    cli("done", "tokenization-tokenization-fundamentals")
    shown = cli_json("show", "tokenization-tokenization-fundamentals")
    assert (shown["id"], shown["status"]) == ("tokenization-fundamentals", "done")
    assert cli_json("show", "production-rag")["id"] == "rag-systems"


def test_a_topic_title_names_one_topic(roadmap, cli_json):
    """Topics may share a title only when their modules tell them apart ("Embeddings › Applications");
    a topic without a module has a title of its own, and no two titles differ only in case."""
    by_title = {}
    for topic in roadmap.topics.values():
        by_title.setdefault(topic.title.lower(), []).append(topic)
    for same in by_title.values():
        assert len({t.title for t in same}) == 1, [t.id for t in same]
        assert len([t for t in same if t.module is None]) <= 1, [t.id for t in same]
    shown = [roadmap.display_title(t) for t in roadmap.topics]
    assert len({title.lower() for title in shown}) == len(shown)
    # the researcher's step and the specialist's skill are one topic, not two of one name
    assert cli_json("show", "Transformer architecture")["id"] == "transformer-architecture"
