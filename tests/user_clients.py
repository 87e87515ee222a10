"""What a test does beside the product: a Google client of its own acting as a workspace user (a token minted
in the sandbox), and the sandbox's log of the requests it served. Mixed into the test worlds that hold a
sandbox ``server``."""
from __future__ import annotations

import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document

from addon.clients import discovery_document
from tests.conftest import mint_token


class UserClients:
    """For a class with a ``server`` attribute (a running SandboxServer)."""

    def api(self, name: str, email: str, scopes: list[str]):
        """A client of our own (not the product's) to look at or change the sandbox as a user would."""
        creds = Credentials(token=mint_token(self.server, email, scopes))
        return build_from_document(discovery_document(name, self.server.url), credentials=creds)

    def log(self) -> list[dict]:
        """Every request the sandbox has served, oldest first."""
        return requests.get(self.server.url + "/_sandbox/requests", timeout=10).json()
