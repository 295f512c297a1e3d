"""JSON API of Theo dõi nhiệm vụ (django-ninja router mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["Theo dõi nhiệm vụ"])
