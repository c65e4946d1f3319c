"""Developer tools (not installed): the recorded-payload venue stub and the cassette recorder."""
