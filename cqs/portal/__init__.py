"""Cổng dịch vụ công: Cổng dịch vụ công cho người dân."""
