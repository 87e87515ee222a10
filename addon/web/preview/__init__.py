"""The local card preview (sandbox only): templates, static files and the views that play Google's part."""
