"""Catalog specs: products, their prices and stock, and browsing."""

from tests.bdd.catalog.http import HttpCatalog
from tests.bdd.catalog.use_case import UseCaseCatalog
from tests.bdd.catalog.world import CatalogWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="catalog",
    drivers={"use_case": UseCaseCatalog, "http": HttpCatalog},
    part=CatalogWorld,
    steps=("tests.bdd.catalog.steps",),
)
