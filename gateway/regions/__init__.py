"""Regions above a district over GraphQL: `regionOverview`, a province's cities, a city's districts or a
district's stations, for the city bureau, the provincial department, the district bureau and the system."""
