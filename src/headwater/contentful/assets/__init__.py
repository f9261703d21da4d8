"""Contentful assets and uploads: files, processing, serving the bytes."""
