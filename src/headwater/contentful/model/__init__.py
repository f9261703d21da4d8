"""Contentful content model: content types (fields, validations) and editor interfaces."""
