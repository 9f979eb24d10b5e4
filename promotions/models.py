"""Models of the Pricing and promotions chapter."""
