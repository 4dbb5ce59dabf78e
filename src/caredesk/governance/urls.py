from django.urls import path

from caredesk.governance import views

app_name = "governance"
urlpatterns = [
    path("access/", views.reviews, name="reviews"),
    path("access/<int:pk>/sign/", views.review_sign, name="review-sign"),
    path("access/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/export/", views.person_export, name="person-export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("breaches/", views.breaches, name="breaches"),
    path("breaches/<int:pk>/", views.breach, name="breach"),
    path("breaches/tasks/<int:pk>/done/", views.breach_task, name="breach-task-done"),
]
