"""Hệ thống thông tin báo cáo: Chỉ tiêu, chế độ báo cáo, báo cáo và tổng hợp."""
