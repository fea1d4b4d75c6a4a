"""The web pages: a project explorer and the admin dashboard, served by the API app."""
