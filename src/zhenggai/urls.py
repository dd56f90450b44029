from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("public/", include("zhenggai.public.urls")),
    path("api/v1/", include("zhenggai.api.urls")),
    path("", include("zhenggai.web.urls")),
]
