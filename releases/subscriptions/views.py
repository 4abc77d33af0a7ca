"""Subscribe, confirm, manage and unsubscribe: no account; the signed links are the proof of the address."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from releases import thai
from releases.clients import client_address

from . import links, ratelimit, tasks
from .forms import ListsForm, SubscribeForm
from .models import Subscriber


@method_decorator(never_cache, name="dispatch")
class SubscribeView(FormView):
    """The public form. Whether the address is known or not, the same page follows and the same
    confirmation mail goes out: nobody learns from it who is subscribed."""

    template_name = "subscriptions/subscribe.html"
    form_class = SubscribeForm
    success_url = reverse_lazy("subscriptions:sent")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "language": thai.page_language()}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not (
            ratelimit.allow("client", client_address(self.request), settings.NEWSROOM_SUBSCRIBE_LIMIT_PER_CLIENT)
            and ratelimit.allow("address", email, settings.NEWSROOM_SUBSCRIBE_LIMIT_PER_ADDRESS)
        ):
            response = self.render_to_response(self.get_context_data(form=form, limited=True))
            response.status_code = 429
            return response
        language = thai.page_language()
        token = links.confirm_token({
            "e": email, "l": form.chosen_lists(), "f": form.cleaned_data["frequency"],
            "lang": language, "c": form.fields["consent"].label,
        })
        tasks.send_confirmation(email, token, language)
        return super().form_valid(form)


class SentView(TemplateView):
    template_name = "subscriptions/sent.html"


@method_decorator(never_cache, name="dispatch")
class ConfirmView(TemplateView):
    """GET shows a button (mail scanners open links; only a person's POST confirms)."""

    template_name = "subscriptions/confirm.html"

    def get(self, request, token):
        if links.read_confirm_token(token) is None:
            return self.render_to_response({"invalid": True}, status=400)
        return self.render_to_response({})

    def post(self, request, token):
        data = links.read_confirm_token(token)
        if data is None:
            return self.render_to_response({"invalid": True}, status=400)
        subscriber = Subscriber.objects.confirm(
            data["e"], [tuple(pair) for pair in data["l"]], data["f"], data["lang"], data["c"], timezone.now()
        )
        return redirect("subscriptions:manage", links.manage_token(subscriber))


@method_decorator(never_cache, name="dispatch")
class ManageView(FormView):
    template_name = "subscriptions/manage.html"
    form_class = ListsForm

    def dispatch(self, request, token, *args, **kwargs):
        self.subscriber = Subscriber.objects.filter(token=links.unsign(token)).first()
        if self.subscriber is None:
            raise Http404
        return super().dispatch(request, token, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "language": thai.page_language()}

    def get_initial(self):
        return {"lists": [f"{kind}:{value}" for kind, value in self.subscriber.lists()], "frequency": self.subscriber.frequency}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscriber=self.subscriber, unsubscribe_url=reverse("subscriptions:unsubscribe", args=[self.kwargs["token"]]), **kwargs)

    def form_valid(self, form):
        self.subscriber.frequency = form.cleaned_data["frequency"]
        self.subscriber.save(update_fields=["frequency"])
        self.subscriber.set_lists(form.chosen_lists())
        return self.render_to_response(self.get_context_data(form=form, saved=True))


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class UnsubscribeView(TemplateView):
    """GET asks; POST (the button, or a mail client's RFC 8058 one-click POST) removes the address and its lists.

    CSRF-exempt because mail clients post without a token; the signed link is the authority, and
    a valid link for an address already gone just says it is done."""

    template_name = "subscriptions/unsubscribe.html"

    def dispatch(self, request, token, *args, **kwargs):
        self.raw_token = links.unsign(token)
        if self.raw_token is None:
            raise Http404
        return super().dispatch(request, token, *args, **kwargs)

    def get(self, request, token):
        return self.render_to_response({"done": not Subscriber.objects.filter(token=self.raw_token).exists()})

    def post(self, request, token):
        Subscriber.objects.filter(token=self.raw_token).delete()
        return self.render_to_response({"done": True})
