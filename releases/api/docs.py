"""The API's documentation page: Swagger UI from our own static files, under the site's strict CSP."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script as a separate file (`?script`), not inline.

    With the script and the few page styles (static/api/docs.css) as files of our own, the page
    needs nothing beyond the site's Content-Security-Policy: no 'unsafe-inline', no CDN.
    """

    template_name = "api/docs.html"
