"""Account pages, mounted at /accounts/."""

from django.urls import path

from congso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("register/business/", views.register_business_view, name="register_business"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/edit/", views.profile_edit_view, name="profile_edit"),
    path("password/", views.password_change_view, name="password_change"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("otp/setup/", views.otp_setup_view, name="otp_setup"),
    path("otp/verify/", views.otp_verify_view, name="otp_verify"),
]
