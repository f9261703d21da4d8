"""The Contentful Content Management API dialect (`/spaces/…`, `/organizations`, `/users/me`)."""
