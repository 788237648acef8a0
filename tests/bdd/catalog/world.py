"""What a scenario remembers about the catalog: the products it named."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.bdd.catalog.driver import CatalogDriver


@dataclass
class CatalogWorld:
    """The catalog part of one scenario's state, shared by its steps."""

    driver: CatalogDriver
    products: dict[str, str] = field(default_factory=dict)  # name -> id

    def product_id(self, name: str) -> str:
        """The id of a product the scenario named."""
        assert name in self.products, f'the scenario never introduced a product "{name}"'
        return self.products[name]
