"""The catalog context: products and their stock."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.catalog.adjust_stock import AdjustStock
from application.catalog.create_product import CreateProduct
from application.catalog.delete_product import DeleteProduct
from application.catalog.get_product import GetProduct
from application.catalog.list_products import ListProducts
from application.catalog.update_product import UpdateProduct
from entrypoints.containers.access import AdminOnly, OptionalCaller, StaffOnly


class CatalogContainer(containers.DeclarativeContainer):
    """The catalog use cases, wired to the shared adapters in `core`."""

    core = providers.DependenciesContainer()

    # --- browsing: public, but staff signed in also see inactive products ----------------
    list_products = OptionalCaller(ListProducts, uow=core.read_uow, currency=core.currency)
    get_product = OptionalCaller(GetProduct, uow=core.read_uow, currency=core.currency)

    # --- editing (the use cases check the caller's role) ---------------------------------
    create_product = StaffOnly(
        CreateProduct, uow=core.uow, clock=core.clock, currency=core.currency
    )
    update_product = StaffOnly(
        UpdateProduct, uow=core.uow, clock=core.clock, currency=core.currency
    )
    adjust_stock = StaffOnly(AdjustStock, uow=core.uow, clock=core.clock, currency=core.currency)
    delete_product = AdminOnly(DeleteProduct, uow=core.uow, clock=core.clock)
