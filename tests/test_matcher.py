"""The topic matcher: ids, titles, prefixes and close matches; never a silent pick between equals."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmpath import paths
from llmpath.domain.matcher import normalize, resolve
from llmpath.errors import UsageError
from llmpath.roadmap.loader import load_roadmap

ROADMAP = load_roadmap(paths.bundled_roadmap())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rag-retrieval-methods", "rag-retrieval-methods"),
        ("RAG-Retrieval-Methods", "rag-retrieval-methods"),
        ("Mathematical foundations", "math-foundations"),
        ("mathematical   FOUNDATIONS!", "math-foundations"),
        ("Embeddings Applications", "embeddings-applications"),
        ("Embeddings › Applications", "embeddings-applications"),
        ("Subword Algo", "tokenization-subword-algorithms"),
        ("tokenizaton-subword-algoritms", "tokenization-subword-algorithms"),
        ("Reading research paper", "reading-papers"),
        ("tokenization", "tokenization"),  # a module id
        ("developer-part-1", "developer-part-1"),  # a stage id
    ],
)
def test_resolves(query, expected):
    assert resolve(ROADMAP, query).id == expected


def test_an_old_id_finds_the_renamed_topic():
    assert resolve(ROADMAP, "old-rag", aliases={"old-rag": "rag-retrieval-methods"}).id == "rag-retrieval-methods"


def test_a_repeated_section_title_is_ambiguous_and_names_the_modules():
    with pytest.raises(UsageError) as info:
        resolve(ROADMAP, "Applications")
    message = str(info.value)
    assert "matches 5 topics" in message
    assert "embeddings-applications" in message and "Embeddings › Applications" in message


def test_unknown_suggests():
    with pytest.raises(UsageError, match="did you mean"):
        resolve(ROADMAP, "quantisation theory stuff")


def test_module_titles_are_not_matched_as_one_topic():
    with pytest.raises(UsageError, match="matches 6 topics.*use sft"):
        resolve(ROADMAP, "Supervised fine-tuning (SFT)")


def test_empty_and_punctuation_only_queries_are_refused():
    with pytest.raises(UsageError, match="no topic given"):
        resolve(ROADMAP, "   ")
    with pytest.raises(UsageError, match="no letters or digits"):
        resolve(ROADMAP, "?!")


def test_normalize_drops_case_accents_and_punctuation():
    assert normalize("  Café—Crème: LLM.int8()  ") == "cafe creme llm int8"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_resolves_or_says_why(query):
    try:
        unit = resolve(ROADMAP, query)
    except UsageError as error:
        assert str(error)
    else:
        assert unit.id in ROADMAP.topics or unit.id in ROADMAP.modules or ROADMAP.stage(unit.id)


TITLES = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).filter(lambda t: normalize(t))


@settings(max_examples=200, deadline=None)
@given(TITLES, st.sampled_from(["", " ", "!", "  ", "?"]))
def test_two_equal_candidates_are_never_settled_silently(title, decoration):
    """Two topics whose titles differ only in case and punctuation: asking for that title must not pick one."""
    import yaml

    import samples
    from llmpath.roadmap.loader import parse_roadmap

    def twins(d):
        d["topics"][0]["title"] = title
        d["topics"][3]["title"] = title.upper() + decoration

    roadmap = parse_roadmap(yaml.safe_dump(samples.tiny(twins)))
    with pytest.raises(UsageError, match="matches 2 topics"):
        resolve(roadmap, title + decoration)
