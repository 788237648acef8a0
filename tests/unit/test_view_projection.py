"""project(): views read from entities by field name, and each view's fields typed as its
entity's, which the hand-written projections used to have mypy check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_type_hints

import pytest

from application.accounts.views import UserView
from application.catalog.views import ProductView
from application.media.views import MediaView
from application.ordering.views import OrderLineView, OrderView, PaymentIntentView
from application.shared.projection import project
from domain.accounts import User
from domain.catalog import Product
from domain.media import MediaFile
from domain.ordering import Order, OrderLine
from domain.payments import Payment


@dataclass
class _Thing:
    id: int
    name: str
    price: int

    @property
    def double(self) -> int:
        return self.price * 2


@dataclass(frozen=True)
class _ThingView:
    id: int
    label: str
    name: str
    double: int


def test_fields_are_read_by_name_properties_included_and_given_ones_placed() -> None:
    view = project(_Thing(1, "mug", 3), _ThingView, label="Mug!")
    assert view == _ThingView(id=1, label="Mug!", name="mug", double=6)


def test_a_view_field_nothing_gives_is_refused() -> None:
    with pytest.raises(TypeError, match="_ThingView from _Thing: nothing gives \\['label'\\]"):
        project(_Thing(1, "mug", 3), _ThingView)


def test_a_given_field_the_view_lacks_is_refused() -> None:
    with pytest.raises(TypeError, match="_ThingView has no field\\(s\\) \\['colour'\\]"):
        project(_Thing(1, "mug", 3), _ThingView, label="x", colour="red")


# Each view, its entity, and the fields its projection gives rather than reads.
PROJECTIONS: list[tuple[type[Any], type[Any], set[str]]] = [
    (Product, ProductView, {"currency", "image_ids"}),
    (User, UserView, set()),
    (OrderLine, OrderLineView, set()),
    (Order, OrderView, {"lines"}),
    (Payment, PaymentIntentView, {"payment_intent_id"}),
    (MediaFile, MediaView, set()),
]


@pytest.mark.parametrize(("entity", "view", "given"), PROJECTIONS)
def test_every_field_a_view_reads_has_the_entitys_type(
    entity: type[Any], view: type[Any], given: set[str]
) -> None:
    entity_types = get_type_hints(entity)
    for name, annotation in get_type_hints(view).items():
        if name in given:
            continue
        if name not in entity_types:  # a property: its return type
            entity_types[name] = get_type_hints(getattr(entity, name).fget)["return"]
        assert entity_types[name] == annotation, f"{view.__name__}.{name}"
