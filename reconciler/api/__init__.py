"""The Admin API client: auth, one request path, pagination, pacing, retries and errors."""

from reconciler.api.client import DEFAULT_BASE_URL, PAGE_LIMIT, AdminClient
from reconciler.api.pacing import Pacing, endpoint_family, endpoint_template
from reconciler.api.stats import RequestStats

__all__ = [
    "DEFAULT_BASE_URL",
    "PAGE_LIMIT",
    "AdminClient",
    "Pacing",
    "RequestStats",
    "endpoint_family",
    "endpoint_template",
]
