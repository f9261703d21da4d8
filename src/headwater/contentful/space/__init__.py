"""Contentful spaces, environments, locales, users and organizations."""
