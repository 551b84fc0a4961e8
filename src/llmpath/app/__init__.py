"""The application layer: the use cases (record a change, undo, import, export, refresh the caches).

Callers (the CLI) pass Paths and plain values; they get plain values back. Problems a user can
cause arrive as LlmpathError subclasses. The store below it keeps persistence only; this layer is
the only writer of the caches (the read snapshot and the badge file, see app.caches).
"""
