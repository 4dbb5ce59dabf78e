from django.urls import path

from caredesk.devices import views

app_name = "devices"
urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("import/", views.asset_import, name="import"),
    path("models/", views.model_list, name="models"),
    path("<int:pk>/", views.asset_detail, name="asset"),
]
