"""Models of the Orders chapter."""
