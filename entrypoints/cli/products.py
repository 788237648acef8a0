"""`hexashop products`: the catalog."""

from __future__ import annotations

import click

from application.catalog.commands import ListProductsQuery
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from domain.payments import format_money
from entrypoints.cli.common import run, table, yes_no
from entrypoints.containers import Container


@click.group()
def products() -> None:
    """The catalog."""


_PRODUCT_COLUMNS = ("id", "name", "price", "stock", "active")


def _product_row(product: ProductView) -> tuple[str, ...]:
    return (
        str(product.id),
        product.name,
        format_money(product.price_cents, product.currency),
        str(product.stock),
        yes_no(product.active),
    )


@products.command("list")
def list_products() -> None:
    """Show every product, inactive ones included, as a table (by name)."""

    async def work(container: Container) -> list[ProductView]:
        list_products = container.catalog.list_products()

        async def fetch(page: PageRequest) -> Page[ProductView]:
            return await list_products(Actor.system(), ListProductsQuery(sort="name", page=page))

        return await every_item(fetch)

    click.echo(table(_PRODUCT_COLUMNS, [_product_row(p) for p in run(work)]))
