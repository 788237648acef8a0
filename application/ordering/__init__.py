"""Ordering use cases: orders, payments and the provider events that settle them."""
