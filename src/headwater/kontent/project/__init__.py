"""Project setup: environments, languages, collections and what a new environment is seeded with."""
