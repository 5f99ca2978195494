"""Evidence vault: captures (messages, URLs, user files), hash-chained ledger, RFC 3161 timestamps,
verifiable bundles. The Python API for other layers is in ``veilleur.evidence.api``."""
