from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("", views.staff, name="staff"),
    path("add/", views.add_staff_member, name="add"),
    path("<int:pk>/", views.edit_staff_member, name="edit"),
    path("<int:pk>/erase/", views.erase_staff_member, name="erase"),
]
