"""Public verification of certificates, no sign-in; included by `linli.urls` under `/verify/`
with the namespace `verify` (so no `app_name` here)."""

from django.urls import path

from linli.ledger import views

urlpatterns = [path("<str:number>/", views.verify, name="certificate")]
