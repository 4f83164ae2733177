"""Routes of the household file under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("units", views.UnitViewSet, basename="unit")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("persons", views.PersonViewSet, basename="person")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("cards", views.CardViewSet, basename="card")
router.register("move-ins", views.MoveInViewSet, basename="movein")
router.register("decorations", views.DecorationViewSet, basename="decoration")
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("notes", views.NoteViewSet, basename="note")
router.register("changes", views.ChangeRecordViewSet, basename="changerecord")
urlpatterns = router.urls
