"""Tally: a provenance-first REST service for humanitarian figures."""
