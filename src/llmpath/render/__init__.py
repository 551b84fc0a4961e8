"""Rich rendering of the domain's results, one module a subject. Imported only by commands that print.

console: make_console (no markup read from data, every character shown visibly), status marks and
words, and the helpers the subjects share. topics: next, show, undo. tracks: the roadmap tree, the
topic list, progress and the tracks table. papers: the week, the paper list, one paper, the summary line.
"""
