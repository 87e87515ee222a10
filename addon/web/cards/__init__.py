"""Pure card builders: plain data in, Google Workspace add-on card JSON out (no Flask, no I/O), so every
card the add-on can show is tested against Google's card schema (``tests/web/test_cards_schema.py``)."""
