"""The SQLite store: tables, engine, migrations, dataset sync, export and import, and the queries
of the read model.

Everything here but queries.py imports SQLAlchemy/SQLModel, so only write paths load it; queries.py
is the standard library's sqlite3 only, for the read commands and the prompt.
"""
