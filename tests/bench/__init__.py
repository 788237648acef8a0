"""Benchmark harness (`make bench`): the real server against a bare Litestar + asyncpg app.

Files here are deliberately not named test_*.py so pytest never collects them.
"""
