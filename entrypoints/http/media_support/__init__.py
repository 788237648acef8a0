"""Building blocks of the media routes: the streaming multipart reader and the download headers."""
