"""The second sign-in step's pages (outside /admin/, which they guard)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("set-up/", views.SetUpView.as_view(), name="set_up"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("sign-out/", LogoutView.as_view(next_page="admin:login"), name="sign_out"),
]
