"""Demo data for a fresh shop: staff and customers with known passwords, a small catalog and
a few blog posts with tags and comments.

Everything goes through the use cases, as the operator (no SQL), so the data obeys every rule
the API enforces. Seeding is idempotent: users are matched by email, products by name and posts
by title, and what already exists is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from application.accounts.commands import CreateUserCommand
from application.blog.commands import AddCommentCommand, ListPostsQuery, WritePostCommand
from application.blog.views import PostView
from application.catalog.commands import CreateProductCommand, ListProductsQuery
from application.catalog.views import ProductView
from application.shared.actor import Actor
from application.shared.paging import Page, PageRequest, every_item
from domain.accounts import Role, Tier
from domain.errors import EmailAlreadyRegistered, UserNotFound
from entrypoints.containers import Container


@dataclass(frozen=True)
class DemoUser:
    """A demo account and the password it is created with."""

    email: str
    password: str
    name: str
    role: Role
    tier: Tier = Tier.STANDARD


@dataclass(frozen=True)
class DemoProduct:
    """A demo catalog entry."""

    name: str
    price_cents: int
    stock: int
    description: str


# Known passwords on purpose: this is for local demos, never for production data.
DEMO_USERS = (
    DemoUser("admin@demo.hexashop.local", "DemoAdmin123", "Ada Admin", Role.ADMIN),
    DemoUser("editor@demo.hexashop.local", "DemoEditor123", "Eddie Editor", Role.EDITOR),
    DemoUser(
        "premium@demo.hexashop.local",
        "DemoPremium123",
        "Priya Premium",
        Role.CUSTOMER,
        Tier.PREMIUM,
    ),
    DemoUser("customer@demo.hexashop.local", "DemoCustomer123", "Sam Standard", Role.CUSTOMER),
)

DEMO_PRODUCTS = (
    DemoProduct("Blue Ceramic Mug", 900, 120, "A 350 ml stoneware mug with a cobalt glaze."),
    DemoProduct("Espresso Cup Set", 2400, 40, "Four 90 ml porcelain cups with saucers."),
    DemoProduct("Pour-Over Coffee Dripper", 2800, 35, "Ceramic cone dripper, size 02."),
    DemoProduct("Gooseneck Kettle", 5900, 20, "1 litre stainless kettle for precise pouring."),
    DemoProduct("Burr Coffee Grinder", 12900, 12, "Conical steel burrs, 40 grind settings."),
    DemoProduct("Single-Origin Beans 250 g", 1450, 200, "Washed Ethiopian, light roast."),
    DemoProduct("House Blend Beans 1 kg", 3600, 80, "Brazil and Colombia, medium roast."),
    DemoProduct("Loose Leaf Green Tea", 1100, 150, "Sencha from Shizuoka, 100 g tin."),
    DemoProduct("Glass Teapot", 3200, 25, "Borosilicate teapot with a steel infuser, 1 litre."),
    DemoProduct("Linen Tea Towel", 1200, 90, "Stonewashed linen, 50 x 70 cm."),
    DemoProduct("Oak Serving Board", 4500, 18, "Solid oak with a juice groove, 40 cm."),
    DemoProduct("Insulated Travel Tumbler", 2900, 60, "Keeps drinks hot for 6 hours, 470 ml."),
)


@dataclass(frozen=True)
class DemoPost:
    """A demo blog post by the demo editor, published, with comments by a customer."""

    title: str
    content: str
    tags: tuple[str, ...]
    comments: tuple[str, ...] = ()


DEMO_POSTS = (
    DemoPost(
        "Brewing better pour-over coffee",
        "Grind medium-fine, bloom for 30 seconds, then pour in slow circles.",
        ("coffee", "guides"),
        ("The bloom tip changed my mornings.", "What ratio do you use?"),
    ),
    DemoPost(
        "Choosing a green tea",
        "Sencha is grassy and bright; gyokuro is sweeter and shaded before harvest.",
        ("tea", "guides"),
        ("Sencha all the way.",),
    ),
    DemoPost(
        "New in the shop: the glass teapot",
        "A borosilicate teapot with a steel infuser, now in stock.",
        ("news", "tea"),
    ),
)
# Who writes the demo posts and who comments on them (both among DEMO_USERS).
DEMO_AUTHOR = "editor@demo.hexashop.local"
DEMO_COMMENTER = "customer@demo.hexashop.local"


@dataclass
class SeedReport:
    """What one seeding run did."""

    users_created: list[DemoUser] = field(default_factory=list)
    users_existing: list[DemoUser] = field(default_factory=list)
    products_created: int = 0
    products_existing: int = 0
    posts_created: int = 0
    posts_existing: int = 0

    @property
    def created_anything(self) -> bool:
        """True when this run added a user, a product or a post."""
        return bool(self.users_created) or self.products_created > 0 or self.posts_created > 0


async def _user_exists(container: Container, actor: Actor, email: str) -> bool:
    try:
        await container.accounts.get_user_by_email()(actor, email)
    except UserNotFound:
        return False
    return True


async def _seed_user(container: Container, actor: Actor, user: DemoUser) -> bool:
    """Create the user unless the email is taken; True when created."""
    # Look first: hashing a password only to be told the email is taken is slow.
    if await _user_exists(container, actor, user.email):
        return False
    cmd = CreateUserCommand(
        email=user.email, password=user.password, name=user.name, role=user.role, tier=user.tier
    )
    try:
        await container.accounts.create_user()(actor, cmd)
    except EmailAlreadyRegistered:  # another seeding run got there in between
        return False
    return True


async def _product_names(container: Container, actor: Actor) -> set[str]:
    """Every product name in the catalog (inactive ones too), lower-cased."""
    list_products = container.catalog.list_products()

    async def fetch(page: PageRequest) -> Page[ProductView]:
        return await list_products(actor, ListProductsQuery(page=page))

    return {product.name.lower() for product in await every_item(fetch)}


async def _post_titles(container: Container, actor: Actor) -> set[str]:
    """Every post title (published or draft), lower-cased."""
    list_posts = container.blog.list_posts()

    async def titles(published: bool) -> set[str]:
        async def fetch(page: PageRequest) -> Page[PostView]:
            return await list_posts(actor, ListPostsQuery(published=published, page=page))

        return {post.title.lower() for post in await every_item(fetch)}

    return await titles(True) | await titles(False)


async def _as_user(container: Container, email: str, role: Role) -> Actor:
    """An actor for a demo user, to write as them."""
    user = await container.accounts.get_user_by_email()(Actor.system(), email)
    return Actor(user_id=user.id, role=role)


async def _seed_posts(container: Container, report: SeedReport) -> None:
    """Write the demo posts that are missing, with their comments."""
    existing = await _post_titles(container, Actor.system())
    author = await _as_user(container, DEMO_AUTHOR, Role.EDITOR)
    commenter = await _as_user(container, DEMO_COMMENTER, Role.CUSTOMER)
    for demo in DEMO_POSTS:
        if demo.title.lower() in existing:
            report.posts_existing += 1
            continue
        command = WritePostCommand(demo.title, demo.content, demo.tags, published=True)
        post = await container.blog.write_post()(author, command)
        for text in demo.comments:
            await container.blog.add_comment()(commenter, AddCommentCommand(post.id, text))
        report.posts_created += 1


async def seed_demo(container: Container) -> SeedReport:
    """Create whatever demo users, products and posts are missing."""
    actor = Actor.system()
    report = SeedReport()
    for user in DEMO_USERS:
        created = await _seed_user(container, actor, user)
        (report.users_created if created else report.users_existing).append(user)
    existing = await _product_names(container, actor)
    create_product = container.catalog.create_product()
    for product in DEMO_PRODUCTS:
        if product.name.lower() in existing:
            report.products_existing += 1
            continue
        await create_product(
            actor,
            CreateProductCommand(
                name=product.name,
                price_cents=product.price_cents,
                stock=product.stock,
                description=product.description,
            ),
        )
        report.products_created += 1
    await _seed_posts(container, report)
    return report
