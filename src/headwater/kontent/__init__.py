"""The Kontent.ai Management API v2 dialect (`/v2/projects/{environment_id}/…`)."""
