"""Read after write with one token per client: a write merges the client's token into its own, bounded."""
