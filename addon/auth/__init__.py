"""Signing in: staff OAuth (CLI installed-app flow, add-on web flow), the organisation's service account,
and the encrypted store their secrets live in."""
