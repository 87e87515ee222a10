"""drive endpoints of the sandbox (to be filled in)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drive", __name__)
