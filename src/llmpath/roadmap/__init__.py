"""The roadmap: its typed schema, and the loader that reads and checks a roadmap file.

From the bottom up:

- schema.py: the typed, frozen dataclasses (Roadmap, Track, Stage, Module, Topic, Paper) and the
  rule for what a topic requires. Standard library only: the read commands build them from the
  store's rows, one entry at a time.
- digest.py: the roadmap file's fingerprint, which says whether the store holds it.
- fields.py: typed readers for the fields of one entry of the file, each problem named by its path.
- entries.py: one builder per kind of entry (module, topic, track with its stages, paper).
- checks.py: the rules over the whole roadmap (unique ids, references, cycles).
- loader.py: reads the file, parses the YAML and builds the Roadmap. Only the write path (sync)
  imports it, so this package imports nothing here: `llmpath.roadmap.schema` stays light.
"""
