"""Models of Cổng dịch vụ công (filled in by the module)."""
