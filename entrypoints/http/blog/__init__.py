"""The blog context's HTTP routes: posts, comments, tags and the Atom feed."""
