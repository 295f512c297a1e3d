"""Views of the citizen portal (thin: forms in, services and selectors, templates out)."""
