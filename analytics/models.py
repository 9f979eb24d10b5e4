"""Models of the Analytics chapter."""
