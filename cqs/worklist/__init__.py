"""Theo dõi nhiệm vụ: Nhiệm vụ do lãnh đạo giao."""
