"""Settings package: ``base`` (embedded default), ``production`` and ``test``."""
