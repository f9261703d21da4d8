"""Content model: content types, snippets, their elements, and taxonomies."""
