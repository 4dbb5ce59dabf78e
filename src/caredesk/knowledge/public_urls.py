from django.urls import path

from caredesk.knowledge import views

app_name = "help"
urlpatterns = [
    path("", views.help_home, name="home"),
    path("suggest/", views.help_suggest, name="suggest"),
    path("categories/<slug:slug>/", views.help_category, name="category"),
    path("articles/<slug:slug>/", views.help_article, name="article"),
    path("articles/<slug:slug>/solved/", views.help_solved, name="solved"),
]
