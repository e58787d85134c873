"""One module per CLI command (or group); each is thin and calls the core."""
