"""Model permissions for the API, with viewing also guarded by a permission."""

from rest_framework.permissions import DjangoModelPermissions


class DeskModelPermissions(DjangoModelPermissions):
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }
