"""Models of Một cửa điện tử (filled in by the module)."""
