"""S3 metadata: any text percent-encoded into ASCII, within S3's 2 KB, and decoded back."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from adapters.storage.s3_metadata import (
    METADATA_LIMIT_BYTES,
    attachment_disposition,
    decode_metadata,
    encode_metadata,
)


@pytest.mark.parametrize(
    "value",
    [
        "photo.png",
        "résumé 東京 📷.pdf",
        "100% sure.png",
        "%C3%A9 looks encoded.png",
        "  spaces kept  ",
        'quotes " and \\ and ; and \r\n',
        "",
    ],
)
def test_any_text_round_trips_as_ascii(value: str) -> None:
    encoded = encode_metadata({"filename": value})

    assert encoded["filename"].isascii()
    assert encoded["filename"].isprintable()
    assert " " not in encoded["filename"]
    assert decode_metadata(encoded) == {"filename": value}


def test_a_value_too_long_for_s3_is_cut_at_a_character() -> None:
    value = "📷" * 255

    encoded = encode_metadata({"filename": value, "owner": "x" * 100})

    assert sum(len(k) + len(v) for k, v in encoded.items()) <= METADATA_LIMIT_BYTES
    kept = decode_metadata(encoded)
    assert value.startswith(kept["filename"]) and kept["filename"]
    assert len(kept["filename"]) < 255
    # The first value took what room there was; the next one gets what is left.
    assert kept["owner"] == "x" * (METADATA_LIMIT_BYTES - 13 - len(encoded["filename"]))


@pytest.mark.parametrize("name", ["FileName", "file name", "", "é", "x" * 65, "-lead"])
def test_a_name_s3_would_mangle_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="metadata name"):
        encode_metadata({name: "x"})


def test_the_download_disposition_names_the_file_in_utf8() -> None:
    assert attachment_disposition("a b/é.png") == (
        "attachment; filename*=UTF-8''" + quote("a b/é.png", safe="")
    )
    assert (
        attachment_disposition('x";evil=1.png')
        == "attachment; filename*=UTF-8''x%22%3Bevil%3D1.png"
    )
