"""Models of the Logistics chapter."""
