"""Subscription URLs, namespace 'subscriptions'; never page-cached (forms with CSRF tokens, signed links)."""

from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
    path("sent/", views.SentView.as_view(), name="sent"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("manage/<str:token>/", views.ManageView.as_view(), name="manage"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
