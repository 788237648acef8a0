"""Steps of the catalog features: products, their prices and stock, and browsing."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, then, when

from tests.bdd.accounts.steps import ACTOR
from tests.bdd.accounts.world import AccountsWorld
from tests.bdd.catalog.driver import ProductFilters
from tests.bdd.catalog.world import CatalogWorld
from tests.bdd.shared.context import World
from tests.bdd.shared.outcome import Outcome

# An amount in dollars as people write it: $9, $9.00, $0.10.
MONEY = r"\$(?P<{name}>\d+(?:\.\d\d)?)"
PRICE = MONEY.format(name="price")
PRODUCT = r'"(?P<product>[^"]*)"'


def cents(amount: str) -> int:
    """ "9.00" -> 900."""
    return int(Decimal(amount) * 100)


def _remember_product(catalog: CatalogWorld, outcome: Outcome) -> None:
    if outcome.ok:
        catalog.products[outcome.data["name"]] = outcome.data["id"]


def _state(catalog: CatalogWorld, name: str) -> dict[str, Any]:
    state = catalog.driver.product_state(catalog.product_id(name))
    assert state is not None, f'"{name}" is no longer in the catalog'
    return state


# --- the catalog as it is (Given) -------------------------------------------------------------


@given(
    parsers.re(
        rf"the catalog has (?:a|an (?P<inactive>inactive)) product {PRODUCT} priced {PRICE}"
        r" with (?P<stock>\d+) in stock"
    )
)
def catalog_has_product(
    catalog: CatalogWorld, inactive: str | None, product: str, price: str, stock: str
) -> None:
    """A product put in the catalog by the operator, on sale unless said inactive."""
    product_id = catalog.driver.seed_product(
        product, cents(price), int(stock), active=inactive is None
    )
    catalog.products[product] = product_id


@given(
    parsers.re(
        r'the catalog has (?P<count>\d+) more products on sale named "(?P<prefix>[^"]+)" '
        r"and a number, at (?P<price>\$[\d.]+)"
    )
)
def catalog_has_many_products(catalog: CatalogWorld, count: str, prefix: str, price: str) -> None:
    """Many similar products, "<prefix> 1" to "<prefix> <count>", one in stock each."""
    for n in range(1, int(count) + 1):
        name = f"{prefix} {n}"
        catalog.products[name] = catalog.driver.seed_product(name, cents(price.lstrip("$")), 1)


@given("the catalog has these products:")
def catalog_has_products(catalog: CatalogWorld, datatable: list[list[str]]) -> None:
    """Several products; columns: name, price ($), stock, and optionally on sale (yes/no)."""
    header, *rows = datatable
    for row in rows:
        values = dict(zip(header, row, strict=True))
        catalog.products[values["name"]] = catalog.driver.seed_product(
            values["name"],
            cents(values["price"].lstrip("$")),
            int(values["stock"]),
            active=values.get("on sale", "yes") != "no",
        )


@given(parsers.re(rf"there is no product {PRODUCT} in the catalog"))
def no_such_product(catalog: CatalogWorld, product: str) -> None:
    """A product name that stands for an id the catalog never issued."""
    catalog.products[product] = str(uuid4())


# --- staff change the catalog (When) ----------------------------------------------------------


@when(
    parsers.re(
        rf"{ACTOR} adds (?:a|an (?P<inactive>inactive)) product {PRODUCT} priced {PRICE}"
        r" with (?P<stock>-?\d+) in stock"
    )
)
def adds_product(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    actor: str,
    inactive: str | None,
    product: str,
    price: str,
    stock: str,
) -> None:
    """Staff add a product."""
    fields = {"name": product, "priceCents": cents(price), "stock": int(stock)}
    if inactive:
        fields["active"] = False
    outcome = world.record(catalog.driver.create_product(accounts.access(actor), fields))
    _remember_product(catalog, outcome)


@when(parsers.re(rf"{ACTOR} changes the price of {PRODUCT} to {PRICE}"))
def changes_price(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    actor: str,
    product: str,
    price: str,
) -> None:
    """Staff reprice a product."""
    changes = {"priceCents": cents(price)}
    product_id = catalog.product_id(product)
    world.record(catalog.driver.update_product(accounts.access(actor), product_id, changes))


@when(parsers.re(rf'{ACTOR} renames the product {PRODUCT} to "(?P<name>[^"]*)"'))
def renames_product(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    actor: str,
    product: str,
    name: str,
) -> None:
    """Staff rename a product."""
    product_id = catalog.product_id(product)
    outcome = catalog.driver.update_product(accounts.access(actor), product_id, {"name": name})
    _remember_product(catalog, world.record(outcome))


@when(parsers.re(rf"{ACTOR} (?P<action>takes|puts) {PRODUCT} (?:off sale|back on sale)"))
def switches_sale(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    actor: str,
    action: str,
    product: str,
) -> None:
    """Staff take a product off sale, or put it back on sale."""
    changes = {"active": action == "puts"}
    product_id = catalog.product_id(product)
    world.record(catalog.driver.update_product(accounts.access(actor), product_id, changes))


@when(parsers.re(rf"{ACTOR} adjusts the stock of {PRODUCT} by (?P<delta>[+-]?\d+)"))
def adjusts_stock(
    world: World,
    accounts: AccountsWorld,
    catalog: CatalogWorld,
    actor: str,
    product: str,
    delta: str,
) -> None:
    """Staff add (or with a negative number remove) stock."""
    product_id = catalog.product_id(product)
    world.record(catalog.driver.adjust_stock(accounts.access(actor), product_id, int(delta)))


@when(parsers.re(rf"{ACTOR} deletes the product {PRODUCT}"))
def deletes_product(
    world: World, accounts: AccountsWorld, catalog: CatalogWorld, actor: str, product: str
) -> None:
    """An admin deletes a product."""
    product_id = catalog.product_id(product)
    world.record(catalog.driver.delete_product(accounts.access(actor), product_id))


@when(parsers.re(rf"{ACTOR} deletes a product that does not exist"))
def deletes_missing_product(
    world: World, accounts: AccountsWorld, catalog: CatalogWorld, actor: str
) -> None:
    """Delete an id the catalog never issued."""
    world.record(catalog.driver.delete_product(accounts.access(actor), str(uuid4())))


# --- browsing (When) ---------------------------------------------------------------------------

_LIST_OPTIONS = (
    (r'matching "(?P<search>[^"]*)"', "search"),
    (rf"priced from {MONEY.format(name='min_price')}", "min_price"),
    (rf"(?:priced )?up to {MONEY.format(name='max_price')}", "max_price"),
    (r"(?P<in_stock>in stock only)", "in_stock"),
    (r'sorted by "(?P<sort>[^"]+)"', "sort"),
    (r"(?:showing )?page (?P<page>\d+)", "page"),
    (r"(?:with )?(?P<limit>\d+) per page", "limit"),
)


def parse_catalog_options(text: str) -> ProductFilters:
    """Read options such as `matching "mug", in stock only and sorted by "-priceCents"`."""
    filters = ProductFilters()
    rest = text
    for pattern, name in _LIST_OPTIONS:
        match = re.search(pattern, rest)
        if match is None:
            continue
        raw = match.group(name)
        value: Any = raw
        if name in ("min_price", "max_price"):
            value = cents(raw)
        elif name == "in_stock":
            value = True
        elif name in ("page", "limit"):
            value = int(raw)
        setattr(filters, name, value)
        rest = rest[: match.start()] + rest[match.end() :]
    leftover = re.sub(r"\b(?:and|with)\b|,", " ", rest).strip()
    assert not leftover, f"unknown catalog option(s): {leftover!r}"
    return filters


@when(parsers.re(rf"{ACTOR} browses the catalog(?: (?P<options>.+))?"))
def browses_catalog(
    world: World, accounts: AccountsWorld, catalog: CatalogWorld, actor: str, options: str | None
) -> None:
    """List products, with optional search, filters, sorting and paging."""
    filters = parse_catalog_options(options or "")
    world.record(catalog.driver.list_products(accounts.access(actor), filters))


@when(parsers.re(rf"{ACTOR} looks at the product {PRODUCT}"))
def looks_at_product(
    world: World, accounts: AccountsWorld, catalog: CatalogWorld, actor: str, product: str
) -> None:
    """Open one product."""
    product_id = catalog.product_id(product)
    world.record(catalog.driver.get_product(accounts.access(actor), product_id))


# --- outcomes (Then) ----------------------------------------------------------------------------


@then(parsers.re(rf"the returned product is {PRODUCT} priced {PRICE} with (?P<stock>\d+) in stock"))
def returned_product_is(world: World, product: str, price: str, stock: str) -> None:
    """Name, price and stock of the product the last action returned."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    data = outcome.data
    actual = (data["name"], data["priceCents"], data["currency"], data["stock"])
    assert actual == (product, cents(price), "USD", int(stock)), data


@then(parsers.re(rf"{PRODUCT} is priced {PRICE}"))
def product_is_priced(catalog: CatalogWorld, product: str, price: str) -> None:
    """The product's current price."""
    state = _state(catalog, product)
    assert state["priceCents"] == cents(price), state


@then(parsers.re(rf"{PRODUCT} has (?P<stock>\d+) in stock"))
def product_has_stock(catalog: CatalogWorld, product: str, stock: str) -> None:
    """The product's current stock."""
    state = _state(catalog, product)
    assert state["stock"] == int(stock), f'"{product}" has {state["stock"]} in stock'


@then(parsers.re(rf"{PRODUCT} is (?P<sale>off sale|on sale)"))
def product_is_on_sale(catalog: CatalogWorld, product: str, sale: str) -> None:
    """Whether the product is active."""
    state = _state(catalog, product)
    assert state["active"] is (sale == "on sale"), state


@then(parsers.re(rf"{PRODUCT} is gone from the catalog"))
def product_is_gone(catalog: CatalogWorld, product: str) -> None:
    """Not even staff can find the product any more."""
    state = catalog.driver.product_state(catalog.product_id(product))
    assert state is None, f"still there: {state}"


@then(parsers.re(rf"customers (?P<can>can|cannot) see {PRODUCT}"))
def customers_see(catalog: CatalogWorld, can: str, product: str) -> None:
    """Whether an anonymous visitor finds the product, by its page and in the catalog."""
    product_id = catalog.product_id(product)
    page = catalog.driver.get_product(None, product_id)
    listed = catalog.driver.list_products(None, ProductFilters(limit=100))
    assert listed.ok, listed.describe()
    in_list = product_id in [p["id"] for p in listed.data["data"]]
    if can == "can":
        assert page.ok, page.describe()
        assert in_list, f'"{product}" is not in the catalog list'
    else:
        assert page.refusal == "not found", page.describe()
        assert not in_list, f'"{product}" is still in the catalog list'


@then(parsers.re(r"the listed products are (?P<names>.+)"))
def listed_products_are(world: World, names: str) -> None:
    """The page holds exactly these products, in this order (`none` for an empty page)."""
    outcome = world.outcome()
    assert outcome.ok, outcome.describe()
    expected = re.findall(r'"([^"]+)"', names)
    listed = [p["name"] for p in outcome.data["data"]]
    assert listed == expected, f"expected {expected}, listed {listed}"
