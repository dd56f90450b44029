"""Published documents: reading rectification reports and the ``zhenggai.ledger/1`` JSON."""
