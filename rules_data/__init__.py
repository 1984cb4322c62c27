"""Bundled catalog data (mapped from the repository's rules_data/ at build time)."""
