"""The open JSON API (``/api/v1/``): explicit schemas over the same services as the pages."""
