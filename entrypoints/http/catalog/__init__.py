"""The catalog context over HTTP: products, their prices and stock."""
