"""Models of Theo dõi nhiệm vụ (filled in by the module)."""
