"""The small pure kernel a domain may import besides the contracts: rules of China's days and numbers."""
