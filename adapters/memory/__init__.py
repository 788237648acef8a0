"""In-memory adapters for every persistence port: what unit tests and the use-case driver run on.

They are held to the same contract tests as the SQL adapters. One module per context holds
its tables (a part of the store) and its repositories; `unit_of_work.py` serializes
transactions with a lock and restores a snapshot on rollback, so it behaves like a database
with serializable isolation.
"""
