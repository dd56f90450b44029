"""Province-scale tooling: a synthetic province, the page benchmark, the SQL floor."""
