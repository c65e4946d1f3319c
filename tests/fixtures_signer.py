"""pytest fixtures for the signer layer."""
