"""The read-only HTTP API for researchers, mounted by the app at ``/api/v1``."""

from api.routes import create_api

__all__ = ["create_api"]
