"""Contentful search: query parameters parsed, compiled to SQL over the `cf_search` index, and the
collection endpoints."""
