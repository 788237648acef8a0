"""Adapters: implementations of the application's ports (SQL, mail, hashing, tokens...)."""
