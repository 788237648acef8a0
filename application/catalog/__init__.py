"""Catalog use cases: products, their prices and stock."""
