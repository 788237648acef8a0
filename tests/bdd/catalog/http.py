"""The catalog actions as requests to the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.bdd.catalog.driver import CatalogDriver, ProductFilters
from tests.bdd.shared.outcome import Outcome

if TYPE_CHECKING:
    # Only for the annotations: the default run never loads the app.
    from tests.bdd.shared.http import HttpSystem


class HttpCatalog(CatalogDriver):
    """Sends the catalog actions to /products."""

    system: HttpSystem

    def __init__(self, system: HttpSystem) -> None:
        super().__init__(system)
        self.send = system.send

    def create_product(self, access: str | None, fields: dict[str, Any]) -> Outcome:
        """Staff add a product."""
        return self.send("POST", "/products", access=access, json=fields)

    def update_product(
        self, access: str | None, product_id: str, changes: dict[str, Any]
    ) -> Outcome:
        """Staff change some fields of a product."""
        return self.send("PATCH", f"/products/{product_id}", access=access, json=changes)

    def adjust_stock(self, access: str | None, product_id: str, delta: int) -> Outcome:
        """Staff add or remove stock."""
        path = f"/products/{product_id}/stock"
        return self.send("POST", path, access=access, json={"delta": delta})

    def delete_product(self, access: str | None, product_id: str) -> Outcome:
        """An admin deletes a product."""
        return self.send("DELETE", f"/products/{product_id}", access=access)

    def list_products(self, access: str | None, filters: ProductFilters) -> Outcome:
        """Browse the catalog."""
        wire = {
            "search": filters.search,
            "minPrice": filters.min_price,
            "maxPrice": filters.max_price,
            "sort": filters.sort,
            "page": filters.page,
            "limit": filters.limit,
        }
        params = {k: str(v) for k, v in wire.items() if v is not None}
        if filters.in_stock is not None:
            params["inStock"] = "true" if filters.in_stock else "false"
        return self.send("GET", "/products", access=access, params=params)

    def get_product(self, access: str | None, product_id: str) -> Outcome:
        """Look at one product."""
        return self.send("GET", f"/products/{product_id}", access=access)
