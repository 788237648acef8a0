"""The OpenAPI description of what Litestar can't infer: a streamed multipart upload and
binary downloads (206, 302, 304 and 416 included)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)


def _header(description: str, format: OpenAPIFormat | None = None) -> OpenAPIHeader:
    return OpenAPIHeader(
        schema=Schema(type=OpenAPIType.STRING, format=format), description=description
    )


_BINARY = {
    "*/*": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
}
_ETAG = _header("The file's SHA-256 (hex), quoted.")
_FILE_HEADERS: dict[str, OpenAPIHeader | Reference] = {
    "Content-Length": _header("Bytes in this response."),
    "ETag": _ETAG,
    "Accept-Ranges": _header("Always `bytes`."),
    "Content-Disposition": _header(
        "`attachment; filename=\"<ASCII fallback>\"; filename*=UTF-8''<original name>`."
    ),
    "X-Content-Type-Options": _header("Always `nosniff`."),
}


@dataclass
class UploadOperation(Operation):
    """POST /media: a multipart form with one `file` part, streamed (never spooled whole)."""

    def __post_init__(self) -> None:
        file = Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.BINARY,
            description="The file's bytes; its type is sniffed from them (the part's "
            "filename is kept as the download name, its Content-Type is ignored).",
        )
        form = Schema(type=OpenAPIType.OBJECT, properties={"file": file}, required=["file"])
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=form)},
            description="Other form fields are ignored.",
            required=True,
        )


@dataclass
class DownloadOperation(Operation):
    """GET /media/{id}: the file's bytes, a range of them, a redirect or "not modified"."""

    def __post_init__(self) -> None:
        responses = dict(self.responses or {})
        responses["200"] = OpenAPIResponse(
            description="The whole file, with its sniffed type as Content-Type.",
            content=_BINARY,
            headers=_FILE_HEADERS,
        )
        responses["206"] = OpenAPIResponse(
            description="The range asked for with `Range: bytes=a-b` (also `a-` and `-n`).",
            content=_BINARY,
            headers={
                **_FILE_HEADERS,
                "Content-Range": _header("`bytes a-b/size`."),
            },
        )
        responses["302"] = OpenAPIResponse(
            description="`?redirect=true` with S3 storage: a short-lived presigned URL to the "
            "file (local storage streams instead).",
            headers={"Location": _header("The presigned URL.", OpenAPIFormat.URI)},
        )
        responses["304"] = OpenAPIResponse(
            description="`If-None-Match` names the file's ETag: the copy the client holds is "
            "current.",
            headers={"ETag": _ETAG},
        )
        unsatisfiable = responses.get("416")
        if isinstance(unsatisfiable, OpenAPIResponse):
            unsatisfiable.headers = {
                **(unsatisfiable.headers or {}),
                "Content-Range": _header("`bytes */size`: the file's size."),
            }
        self.responses = dict(sorted(responses.items()))
