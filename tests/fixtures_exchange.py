"""pytest fixtures for the exchange layer."""
