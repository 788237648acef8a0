"""The media context over HTTP: uploads, downloads, listing and deleting files."""
