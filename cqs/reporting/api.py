"""JSON API of Hệ thống thông tin báo cáo (django-ninja router mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["Hệ thống thông tin báo cáo"])
