"""Một cửa điện tử: Thủ tục hành chính, hồ sơ một cửa."""
