from django.urls import path

from caredesk.devices import rma_views, views

app_name = "devices"
urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("import/", views.asset_import, name="import"),
    path("models/", views.model_list, name="models"),
    path("<int:pk>/", views.asset_detail, name="asset"),
    path("rmas/", rma_views.rma_list, name="rmas"),
    path("rmas/open/<int:ticket_id>/", rma_views.rma_open, name="rma-open"),
    path("rmas/<int:pk>/", rma_views.rma_detail, name="rma"),
    path("rmas/<int:pk>/status/", rma_views.rma_status, name="rma-status"),
    path("rmas/<int:pk>/bench/", rma_views.rma_bench, name="rma-bench"),
    path("rmas/<int:pk>/parts/", rma_views.rma_part, name="rma-part"),
    path("rmas/<int:pk>/coverage/", rma_views.rma_coverage, name="rma-coverage"),
    path("rmas/<int:pk>/checks/<int:check_id>/", rma_views.rma_check, name="rma-check"),
]
