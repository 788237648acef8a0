"""The counters context: named hit counts for static sites."""
