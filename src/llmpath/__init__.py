"""llmpath: a command-line learning tracker for the large-language-model roadmap."""

__version__ = "0.1.0"
