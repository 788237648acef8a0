"""Object storage adapters: the bytes of uploaded files on a local folder or on S3."""
