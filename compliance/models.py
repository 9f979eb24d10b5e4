"""Models of the Compliance chapter."""
