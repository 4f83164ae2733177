from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("move-in/", views.move_in, name="move-in"),
    path("households/<int:household_id>/move-out/", views.move_out, name="move-out"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:household_id>/persons/add/", views.person_add, name="person-add"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path(
        "persons/<int:person_id>/reveal-id-number/",
        views.person_reveal_id_number,
        name="person-reveal-id-number",
    ),
    path("households/<int:household_id>/vehicles/add/", views.vehicle_add, name="vehicle-add"),
    path("households/<int:household_id>/cards/issue/", views.card_issue, name="card-issue"),
    path("cards/<int:card_id>/status/", views.card_status, name="card-status"),
    path(
        "households/<int:household_id>/move-in-record/", views.movein_record, name="movein-record"
    ),
    path(
        "households/<int:household_id>/decorations/apply/",
        views.decoration_apply,
        name="decoration-apply",
    ),
    path(
        "decorations/<int:decoration_id>/status/", views.decoration_status, name="decoration-status"
    ),
    path("decorations/<int:decoration_id>/worker-pass/", views.worker_pass, name="worker-pass"),
    path("decorations/<int:decoration_id>/inspection/", views.inspection, name="inspection"),
    path(
        "households/<int:household_id>/attachments/add/",
        views.attachment_add,
        name="attachment-add",
    ),
    path(
        "attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("households/<int:household_id>/notes/add/", views.note_add, name="note-add"),
    path("households/<int:household_id>/important/", views.important_mark, name="important"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/lookup/", views.unit_lookup, name="unit-lookup"),
    path("households/", views.household_list, name="household-list"),
]
