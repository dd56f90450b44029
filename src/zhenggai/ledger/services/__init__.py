"""Every write on the ledger goes through these services (DESIGN §5)."""
