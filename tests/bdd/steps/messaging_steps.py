"""Steps about the mail service itself: outages and recoveries."""

from __future__ import annotations

from pytest_bdd import given, when

from tests.bdd.world import World


@given("the mail service is down")
def mail_service_down(world: World) -> None:
    """Every delivery attempt fails until the service is back."""
    world.driver.mailer.down = True


@when("the mail service is back")
def mail_service_back(world: World) -> None:
    """Delivery attempts succeed again."""
    world.driver.mailer.down = False
