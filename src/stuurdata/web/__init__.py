"""The web dashboard: published figures for everyone who steers (docs/dashboard.md).

``create_app(WebConfig(pakhuis=...))`` builds the FastAPI app; ``stuurdata web`` serves it.
"""

from stuurdata.web.app import create_app
from stuurdata.web.context import WebConfig

__all__ = ["WebConfig", "create_app"]
