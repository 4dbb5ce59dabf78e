from django.urls import path

from caredesk.devices import stock_views, views

app_name = "devices"
urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("import/", views.asset_import, name="import"),
    path("models/", views.model_list, name="models"),
    path("<int:pk>/", views.asset_detail, name="asset"),
    path("<int:pk>/edit/", views.asset_edit, name="asset-edit"),
    path("parts/", stock_views.part_list, name="parts"),
    path("parts/<int:pk>/", stock_views.part_detail, name="part"),
    path("parts/<int:pk>/receive/", stock_views.part_receive, name="part-receive"),
    path("parts/<int:pk>/adjust/", stock_views.part_adjust, name="part-adjust"),
    path("parts/<int:pk>/transfer/", stock_views.part_transfer, name="part-transfer"),
]
