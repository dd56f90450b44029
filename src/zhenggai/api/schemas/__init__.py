"""Input and output schemas of the API, one module per area."""
