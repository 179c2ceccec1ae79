"""Models of the v4 API."""
