from django.urls import path

from caredesk.devices import plan_views, rma_views, stock_views, views

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
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan-new"),
    path("plans/<int:pk>/", plan_views.plan_edit, name="plan-edit"),
    path("contracts/", plan_views.contract_list, name="contracts"),
    path("contracts/new/", plan_views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", plan_views.contract_detail, name="contract"),
    path("contracts/<int:pk>/cancel/", plan_views.contract_cancel_view, name="contract-cancel"),
    path("contracts/<int:pk>/decline/", plan_views.contract_decline_view, name="contract-decline"),
    path(
        "contracts/<int:pk>/auto-renew/", plan_views.contract_auto_renew, name="contract-auto-renew"
    ),
    path("renewals/", plan_views.renewals, name="renewals"),
    path("rmas/", rma_views.rma_list, name="rmas"),
    path("rmas/open/<int:ticket_id>/", rma_views.rma_open, name="rma-open"),
    path("rmas/<int:pk>/", rma_views.rma_detail, name="rma"),
    path("rmas/<int:pk>/status/", rma_views.rma_status, name="rma-status"),
    path("rmas/<int:pk>/bench/", rma_views.rma_bench, name="rma-bench"),
    path("rmas/<int:pk>/parts/", rma_views.rma_part, name="rma-part"),
    path("rmas/<int:pk>/coverage/", rma_views.rma_coverage, name="rma-coverage"),
    path("rmas/<int:pk>/checks/<int:check_id>/", rma_views.rma_check, name="rma-check"),
]
