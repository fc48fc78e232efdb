from django.utils import translation

from curation.identity import who_is


class UserLanguageMiddleware:
    """A signed-in user's own language choice (Profile.language) wins over the browser's.
    It is read with the rest of who the user is, in the one query every page's checks
    need anyway (`curation.identity`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = who_is(user).language
            if language is not None and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class NoStoreMiddleware:
    """Every answer of the app is `Cache-Control: private, no-store`, unless its view set
    its own Cache-Control (the public verification page, for one, says `never_cache`).

    Not only signed-in pages: every HTML page carries a CSRF token (the language menu),
    the invitation pages a secret link, the verification page a revocation that must show
    on the next request, and a file download answers with the file or a redirect to a
    signed URL that must not outlive its check. None of it may be kept by a shared cache,
    or by the browser's disk cache on an office's shared computer. Static files are
    answered by WhiteNoise above this middleware and keep their long caching."""

    CACHE_CONTROL = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self.CACHE_CONTROL
        return response
