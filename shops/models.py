"""Models of the Shops chapter."""
