"""Street-level meetings (社会组织沙龙, the street's joint meeting) by feature: their types, mutation and query."""
