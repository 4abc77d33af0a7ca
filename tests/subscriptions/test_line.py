"""LINE broadcast: off without a token; with one, a Flex message to a local fake of the Messaging API, once."""

import datetime
import http.server
import json
import threading
import urllib.error

import pytest
from django.utils import timezone

from releases.models import Announcement
from releases.subscriptions import sending, tasks
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


class FakeLine(http.server.BaseHTTPRequestHandler):
    """Checks the request's shape the way the broadcast endpoint does; answers 200 or `status`."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def line(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), FakeLine)
    server.requests, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LINE_BROADCAST_URL = f"http://127.0.0.1:{server.server_port}/v2/bot/message/broadcast"
    settings.NEWSROOM_SITE_URL = "https://news.example.go.th"
    yield server
    server.shutdown()
    server.server_close()


def fresh():
    return ReleaseFactory(
        title="แถลงข่าวกระทรวง", release_date=datetime.date(2021, 9, 29), publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def test_off_without_a_token(line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    fresh()
    tasks.run_outbox()
    assert line.requests == []


def test_broadcasts_a_flex_message_once(line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    release = fresh()
    tasks.run_outbox()
    tasks.run_outbox()
    [request] = line.requests
    assert request["path"] == "/v2/bot/message/broadcast"
    assert request["headers"]["Authorization"] == "Bearer test-token"
    assert request["headers"]["Content-Type"] == "application/json"
    [message] = request["json"]["messages"]
    assert message["type"] == "flex" and message["altText"] == release.title
    bubble = message["contents"]
    assert bubble["type"] == "bubble"
    texts = [item["text"] for item in bubble["body"]["contents"]]
    assert texts == [release.title, "29 กันยายน 2564"]
    [button] = bubble["footer"]["contents"]
    assert button["action"] == {"type": "uri", "label": "อ่าน / Read", "uri": "https://news.example.go.th" + release.get_absolute_url()}
    assert Announcement.objects.get().line_sent_at is not None


def test_a_failed_broadcast_is_retried(line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    fresh()
    line.status = 500
    tasks.run_outbox()  # the task fails; the queue would retry it with back-off
    announcement = Announcement.objects.get()
    assert announcement.line_sent_at is None and announcement.line_claimed_at is None
    line.status = 200
    assert sending.broadcast_line(announcement.pk) is True
    assert sending.broadcast_line(announcement.pk) is False
    assert len(line.requests) == 2


def test_the_failure_reaches_the_queue(line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    fresh()
    line.status = 500
    announcement = tasks.outbox.announce_due()[0]
    with pytest.raises(urllib.error.HTTPError):
        sending.broadcast_line(announcement.pk)
