"""Back-office URLs for agencies, mounted at /backoffice/agencies/."""

from django.urls import path

from congso.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list_view, name="list"),
    path("<str:code>/", views.agency_detail_view, name="detail"),
    path("<str:code>/members/add/", views.membership_add_view, name="membership_add"),
    path("<str:code>/members/<int:pk>/remove/", views.membership_remove_view, name="membership_remove"),
]
