"""Models of the Catalog chapter."""
