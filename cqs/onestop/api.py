"""JSON API of Một cửa điện tử (django-ninja router mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["Một cửa điện tử"])
