"""Contentful entries: lifecycle, structural and publish-time validation, rich text, JSON Patch,
snapshots, references."""
