"""Cursor (keyset) pagination: constant cost on any page of a large table."""

from rest_framework.pagination import CursorPagination


class DeskCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
