from django.urls import path

from caredesk.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("review/", views.review, name="review"),
    path("report/", views.report, name="report"),
    path("readability/", views.readability, name="readability"),
    path("picker/", views.picker, name="picker"),
    path("<int:pk>/", views.article_edit, name="edit"),
    path("<int:pk>/read/", views.article_read, name="read"),
    path("<int:pk>/state/", views.article_state, name="state"),
    path("<int:pk>/versions/", views.versions, name="versions"),
]
