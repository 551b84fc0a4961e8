"""Pure domain logic: statuses from events, what is next, progress figures, topic matching.

No I/O here: functions take the data they need and return values, so they are tested directly.
"""
