"""The SQLite store: tables, engine, migrations, dataset sync, recorded events and the read snapshot.

Everything here imports SQLAlchemy/SQLModel, so only write paths (and snapshot rebuilds) load it.
"""
