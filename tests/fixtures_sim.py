"""pytest fixtures for the sim layer."""
