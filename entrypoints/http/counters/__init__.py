"""The counters context's HTTP routes: hits, counts and badges behind API keys."""
