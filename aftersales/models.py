"""Models of the After-sales chapter."""
