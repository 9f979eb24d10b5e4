"""Models of the Customers chapter."""
