"""Media use cases: uploading, listing, downloading and deleting files."""
