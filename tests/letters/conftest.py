"""The tracker tests' small organisation (three people, no mail) serves the letter commands too."""
from tests.tracker.conftest import env, fresh_pacer, small_org  # noqa: F401  (pytest fixtures)
