"""Content: items, language variants, element values, rich text, workflows and publishing."""
