"""CORS for the read API: any site may read /api/ (GET, HEAD); no other method is allowed cross-origin."""

from django.http import HttpResponse

API_PATH = "/api/"
READ_METHODS = ("GET", "HEAD")
# Conditional requests send these; a page on another site needs them allowed to revalidate.
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"


class ReadOnlyCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on /api/ reads, and preflights answered for reads only.

    No credentials are ever allowed: the API is public and the same for everyone, so another
    site's script gains nothing by reading it that it could not fetch itself. Everything outside
    /api/ (the site, the admin) gets no CORS header at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PATH):
            return self.get_response(request)
        requested = request.headers.get("Access-Control-Request-Method")
        if request.method == "OPTIONS" and requested and "Origin" in request.headers:
            # A preflight: answered here, before throttling and views. A write method gets no
            # Allow-Origin, so the browser refuses to send it.
            response = HttpResponse(status=204)
            if requested.upper() in READ_METHODS:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = ", ".join((*READ_METHODS, "OPTIONS"))
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = "86400"
            return response
        response = self.get_response(request)
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
