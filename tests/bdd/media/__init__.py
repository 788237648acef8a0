"""Media specs: uploading, listing, downloading, seeing and deleting files."""

from tests.bdd.media.http import HttpMedia
from tests.bdd.media.use_case import UseCaseMedia
from tests.bdd.media.world import MediaWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="media",
    drivers={"use_case": UseCaseMedia, "http": HttpMedia},
    part=MediaWorld,
    steps=("tests.bdd.media.steps", "tests.bdd.media.outcome_steps"),
)
