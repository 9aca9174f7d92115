"""The district's places by feature: streets, communities and their official codes, set up by the bureau."""
