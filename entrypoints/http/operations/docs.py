"""The interactive API docs, served entirely by this server so they work without internet.

Swagger UI's dist files come from the `swagger-ui-py` package (installed with the project, not
copied into the repository); the page's start-up script and style are files next to this module.
The page has no inline script or style, so its Content-Security-Policy allows 'self' only
(`security_headers.DOCS_CSP`).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.params import FromPath
from litestar.response import Redirect, Response

ASSETS_PATH = "/assets"
_OWN_ASSETS = Path(__file__).with_name("docs_assets")
_SWAGGER_FILES = (
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-ui.css",
    "favicon-32x32.png",
)
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
# The names are not versioned, so a browser revalidates after an hour rather than keeping an
# old Swagger UI after an upgrade.
_ASSET_CACHE_CONTROL = "public, max-age=3600"


def _swagger_dist() -> Path:
    # Locating the package without importing it: its __init__ pulls in jinja2 and PyYAML.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@cache
def _asset_files() -> dict[str, Path]:
    dist = _swagger_dist()
    files = {name: dist / name for name in _SWAGGER_FILES}
    files.update({p.name: p for p in _OWN_ASSETS.iterdir() if p.suffix in _MEDIA_TYPES})
    return files


@cache
def _asset(name: str) -> bytes | None:
    path = _asset_files().get(name)
    return path.read_bytes() if path is not None else None


@get(f"{ASSETS_PATH}/{{name:str}}", sync_to_thread=False, include_in_schema=False)
def docs_asset(name: FromPath[str]) -> Response[bytes]:
    """One of the docs page's scripts, styles or images (read once, kept in memory)."""
    content = _asset(name)
    if content is None:
        raise NotFoundException()
    return Response(
        content,
        media_type=_MEDIA_TYPES[Path(name).suffix],
        headers={"Cache-Control": _ASSET_CACHE_CONTROL},
    )


class OfflineSwaggerPlugin(SwaggerRenderPlugin):
    """Swagger UI whose scripts, styles and favicon are served by this app, not a CDN."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """The docs page: local assets only, the schema fetched from /schema/openapi.json."""
        openapi_path = request.app.openapi_config.path if request.app.openapi_config else ""
        assets = f"{openapi_path}{ASSETS_PATH}"
        title = escape(str(openapi_schema["info"]["title"]))
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title}</title>
    <link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
    <link rel="stylesheet" href="{assets}/swagger-ui.css">
    <link rel="stylesheet" href="{assets}/docs.css">
  </head>
  <body>
    <div id="swagger-ui" data-spec-url="{spec_url}"></div>
    <script src="{assets}/swagger-ui-bundle.js"></script>
    <script src="{assets}/swagger-ui-standalone-preset.js"></script>
    <script src="{assets}/init.js"></script>
  </body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        """Serve the assets under the docs' router; no OAuth2 redirect page (no OAuth here)."""
        router.register(docs_asset)


@get("/api-docs", include_in_schema=False)
async def api_docs() -> Redirect:
    """The interactive docs also live at /api-docs."""
    return Redirect(path="/schema")
