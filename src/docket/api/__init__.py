"""The service: FastAPI over the store it owns (`docket serve`); see docs/architecture.md."""

from docket.api.app import create_app

__all__ = ["create_app"]
