"""Finding volunteers by part of the name, ID number or phone, and the likely duplicates of a registration."""
