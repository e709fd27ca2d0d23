"""The interface's own catalogs (fi is the source; sv, en translations)."""
