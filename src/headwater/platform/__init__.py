"""Dialect-neutral services shared by both APIs: ids, clock, auth, rate limits, pagination."""
