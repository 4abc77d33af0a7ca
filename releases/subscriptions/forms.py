"""The subscribe and manage forms: lists grouped by kind, frequency, and (to subscribe) consent."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy as _

from .lists import KINDS
from .models import Subscriber

CONSENT_TEXT = _(
    "I agree that %(site)s keeps my e-mail address, the lists I chose and the time I agreed, "
    "only to send me its press releases, until I unsubscribe (any message has a link for that)."
)


def consent_text():
    return gettext(CONSENT_TEXT) % {"site": settings.SITE_NAME}


def list_choices(language):
    """Grouped choices "kind:value" for every kind of list, in `language`."""
    return [(str(kind.label), [(f"{name}:{value}", label) for value, label in kind.choices(language)]) for name, kind in KINDS.items()]


def parse_lists(values):
    return sorted({tuple(value.split(":", 1)) for value in values})


class ListsForm(forms.Form):
    lists = forms.MultipleChoiceField(label=_("Send me"), widget=forms.CheckboxSelectMultiple)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Subscriber.Frequency.choices, initial=Subscriber.Frequency.IMMEDIATE, widget=forms.RadioSelect
    )

    def __init__(self, *args, language="th", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = list_choices(language)
        self.fields["frequency"].help_text = gettext("The daily digest is sent at %(time)s, Bangkok time.") % {
            "time": settings.NEWSROOM_DIGEST_TIME
        }

    def chosen_lists(self):
        return parse_lists(self.cleaned_data["lists"])


class SubscribeForm(ListsForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    consent = forms.BooleanField(required=True)

    field_order = ["email", "lists", "frequency", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
