"""Contentful tags, and the small space-level listings the SDKs and CLIs read."""
