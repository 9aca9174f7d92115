"""A reference consumer of hemiao's event streams for the district's systems (see consumer.py)."""
