"""The application layer: the use cases (record a change, undo, import, export, doctor) and the read model.

Callers (the CLI) pass Paths and plain values; they get plain values back. Problems a user can
cause arrive as LlmpathError subclasses. The store below it keeps persistence only; this layer is
the only writer of what is derived: the read model's tables (app.readmodel) and the prompt's badge
file (app.caches).
"""
