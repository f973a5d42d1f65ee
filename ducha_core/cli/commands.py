"""Command table of the ledger, documents and comparison layers: name -> (module:attr, help)."""

COMMAND_TABLE: dict[str, tuple[str, str]] = {}
