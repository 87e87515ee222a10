"""The HTTP add-on: Flask app factory, Google-signed request checks, event parsing, card builders,
background jobs, the local card preview, the auditor view and the staff web sign-in."""
