"""The stakeholders' answer page behind the mailed links: no sign-in, the signature is the key."""

from django.urls import path

from caredesk.incidents import review_views as views

app_name = "incident-survey"
urlpatterns = [path("<str:signed>/", views.stakeholder_rate, name="rate")]
