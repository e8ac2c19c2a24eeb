from __future__ import annotations

app_name = "carers"
urlpatterns: list = []
