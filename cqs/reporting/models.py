"""Models of Hệ thống thông tin báo cáo (filled in by the module)."""
