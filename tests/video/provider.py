"""A fake video provider for the tests: the fetcher's transport answering from a dict, never the network."""

import http.client
import io
import urllib.request
import urllib.response


class FakeProvider:
    """serve(url, body, status, headers) what the "internet" answers; `asked` lists every address requested."""

    def __init__(self):
        self.served = {}
        self.asked = []

    def serve(self, url, body=b"", status=200, headers=None):
        self.served[url] = (status, body, headers or {})

    def redirect(self, url, location, status=302):
        self.serve(url, status=status, headers={"Location": location})

    def respond(self, request):
        self.asked.append(request.full_url)
        status, body, extra = self.served.get(request.full_url, (404, b"", {}))
        headers = http.client.HTTPMessage()
        headers["Content-Length"] = str(len(body))
        for name, value in extra.items():
            headers[name] = value
        response = urllib.response.addinfourl(io.BytesIO(body), headers, request.full_url, status)
        response.msg = http.client.responses.get(status, "")
        return response

    def handler(self):
        provider = self

        # A subclass of HTTPSHandler, so that urllib leaves out its real one.
        class FakeHTTPSHandler(urllib.request.HTTPSHandler):
            def https_open(self, request):
                return provider.respond(request)

        return FakeHTTPSHandler()
