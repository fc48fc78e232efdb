"""The URL configuration of `make bench`'s verification comparison (benchmarks/
certificates.py): the project's URLs, and the bare template view the verification page is
compared with."""


class BareView:
    context: dict = {}

    @classmethod
    def as_view(cls):
        from django.shortcuts import render
        from django.utils import translation

        def view(request, code):
            with translation.override("id"):
                response = render(request, "certificates/verify.html", cls.context)
            response["Content-Language"] = "id"
            return response

        return view


def __getattr__(name):
    # `urlpatterns` is made on first use, after Django is set up.
    if name == "urlpatterns":
        from django.urls import include, path

        return [
            path("bench/bare/<str:code>/", BareView.as_view()),
            path("", include("config.urls")),
        ]
    raise AttributeError(name)
