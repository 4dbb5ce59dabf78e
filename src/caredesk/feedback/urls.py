from django.urls import path

from caredesk.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.results, name="results"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow-up"),
]
