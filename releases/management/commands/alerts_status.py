"""Show the alert queue: tasks waiting in the task queue, deliveries not yet sent, and the last sends."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from releases.models import Delivery


class Command(BaseCommand):
    help = "Show the task queue, pending alert deliveries and the last sends."

    def add_arguments(self, parser):
        parser.add_argument("--last", type=int, default=20, help="How many recent sends to list (default 20).")

    def handle(self, *args, last, **options):
        self.stdout.write(f"Task queue ({type(HUEY).__name__} '{HUEY.name}'): {HUEY.pending_count()} waiting, {HUEY.scheduled_count()} scheduled (retries)")
        pending = Delivery.objects.pending()
        self.stdout.write(
            f"Deliveries pending: {pending.filter(digest=False).count()} immediate, {pending.filter(digest=True).count()} for digests; "
            f"{pending.filter(claimed_at__isnull=False).count()} being sent"
        )
        sent = Delivery.objects.exclude(status=Delivery.Status.PENDING).select_related("announcement__release").order_by("-sent_at", "-pk")[:last]
        if not sent:
            self.stdout.write("No sends yet.")
        for delivery in sent:
            when = timezone.localtime(delivery.sent_at).strftime("%Y-%m-%d %H:%M") if delivery.sent_at else "—"
            kind = "digest" if delivery.digest else "immediate"
            self.stdout.write(f"{when}  {delivery.status:<8} {kind:<9} release {delivery.announcement.release_id}: {delivery.announcement.release.title[:60]}")
        self.stdout.write(self.style.SUCCESS("OK"))
