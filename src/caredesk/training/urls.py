from django.urls import path

from caredesk.training import views

app_name = "training"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("modules/<int:pk>/done/", views.module_done, name="module-done"),
    path("shadowing/", views.shadow_add, name="shadow-add"),
    path("shadowing/<int:pk>/sign-off/", views.shadow_sign_off, name="shadow-sign-off"),
    path("exams/<int:skill>/start/", views.exam_start, name="exam-start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("held/<int:pk>/send/", views.held_send, name="held-send"),
    path("held/<int:pk>/return/", views.held_return, name="held-return"),
    path("team/", views.team, name="team"),
    path("certifications/grant/", views.grant, name="grant"),
    path("skills/", views.skills, name="skills"),
    path("skills/new/", views.skill_edit, name="skill-new"),
    path("skills/<int:pk>/", views.skill_edit, name="skill"),
    path("skills/<int:pk>/questions/", views.questions, name="questions"),
    path("curricula/", views.curricula, name="curricula"),
    path("curricula/new/", views.curriculum_edit, name="curriculum-new"),
    path("curricula/<int:pk>/", views.curriculum_edit, name="curriculum"),
]
