"""Public pages. Every list starts from Release.objects.published(); a release's own URL from reachable()."""

import datetime
import functools

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseGone
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from . import counters, fragments, release_page, search, stored_pages, thai
from .filters import ReleaseFilter
from .attachments.presentation import media_objects
from .attachments.search import note_document_matches
from .images import picture
from .models import Official, Release, ReleaseEvent, Withdrawal
from .paginators import CappedPaginator, LateRowPaginator
from .querysets import link_date
from .prepared import PreparedModels
from .taxonomy.models import Country
from .taxonomy.related import related_links, related_to, subjects_of
from .readership.popular import most_read_this_week

# The search index copies and import bookkeeping are large and never shown.
UNSHOWN_FIELDS = (*search.SEARCH_FIELDS, "import_snapshot")
# What a link to another release needs (neighbours, related releases).
LINK_FIELDS = ("pk", "title", "slug", "language", "release_date")
# Featured notices shown above the home page's and a category's list, at most.
FEATURED_SHOWN = 3


class PublishedReleaseMixin:
    def get_queryset(self):
        return Release.objects.published().select_related("category").defer(*UNSHOWN_FIELDS)


class PageRangeMixin:
    """Adds `page_range`: page numbers with '…' gaps, for the pagination links."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return context


class ReleaseListMixin(PageRangeMixin):
    """A page of releases with their photos and displayed view counts."""

    paginate_by = 20
    paginator_class = LateRowPaginator
    context_object_name = "releases"

    def get_paginator(self, queryset, per_page, **kwargs):
        # What the list depends on besides the content generation (the page number is added by the paginator).
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        fragment = (self.request.path, thai.page_language(), query.urlencode())
        return super().get_paginator(queryset, per_page, fragment=fragment, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        releases = list(context["object_list"])
        counters.annotate_displayed_views(releases)
        context["releases"] = context["object_list"] = releases
        return context


class ReleaseListView(ReleaseListMixin, PublishedReleaseMixin, FilterView):
    filterset_class = ReleaseFilter
    template_name = "releases/release_list.html"

    def get_queryset(self):
        return super().get_queryset().newest_first().prefetch_related("images")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "reader_language": thai.page_language()}

    def get_paginator(self, queryset, per_page, **kwargs):
        # Search results are ranked among a bounded set (releases/search/ranking.py): count no further.
        if self.filterset.search_query:
            return CappedPaginator(queryset, per_page, cap=search.RANK_CANDIDATES, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.filterset.search_query
        if query:
            search.with_highlights(context["releases"], query)
            note_document_matches(context["releases"], query)
        context["featured"] = self.featured()
        if not self.request.GET:  # the home page, not a filtered or later page
            context["most_read"] = most_read_this_week(thai.page_language())
        return context

    def featured(self):
        """Featured notices for the first page of the home page or of one category's list (one query)."""
        bound = self.filterset.is_bound
        if set(self.request.GET) - {"category"} or (bound and not self.filterset.is_valid()):
            return []
        featured = Release.objects.featured_now().only(*LINK_FIELDS, "summary", "featured_until")
        category = self.filterset.form.cleaned_data.get("category") if bound else None
        if category:
            featured = featured.filter(category__slug=category)
        return list(featured[:FEATURED_SHOWN])


def translated_pair(request, release, translation):
    """hreflang links of a translated release: each language's version in that language's interface."""
    if translation is None:
        return None
    return {item.language: request.build_absolute_uri(item.url_in_its_language()) for item in (release, translation)}


def _officials_with_positions():
    return Prefetch("officials", queryset=Official.objects.prefetch_related("positions"))


def _release_page_queryset(now=None):
    """The release of a detail page with what it shows of its category, translation and replacement."""
    counterparts = ("translation", "translated_from")
    return (
        # Withdrawn releases still answer at their URL: with their notice, 410 or a redirect.
        Release.objects.reachable(now)
        .select_related("category", "replaced_by", *counterparts)
        .defer(*UNSHOWN_FIELDS, *(f"replaced_by__{field}" for field in UNSHOWN_FIELDS))
        .defer(*(f"{relation}__{field}" for relation in counterparts for field in UNSHOWN_FIELDS))
    )


# Compiled once per process (releases/prepared.py): compiling it cost more than running it.
_RELEASE_PAGE_ROW = PreparedModels(lambda pk, now: _release_page_queryset(now).filter(pk=pk), ints=["pk"], moments=["now"])


class ReleaseDetailView(PublishedReleaseMixin, DetailView):
    template_name = "releases/release_detail.html"
    context_object_name = "release"
    # Set by the admin's preview: render this release as the public would see it.
    preview_release = None
    # Off when pages are stored ahead of readers (store_release_pages): that is no reader's view.
    count_views = True

    def get_queryset(self):
        return _release_page_queryset()

    def get_object(self, queryset=None):
        if self.preview_release is not None:
            release = self.preview_release
        else:
            found = _RELEASE_PAGE_ROW.run(pk=self.kwargs["pk"], now=timezone.now())
            if not found:
                raise Http404("No release found")
            release = found[0]
        return release

    def load_page(self, release):
        """What the page shows beside the release row: its neighbours, photos, documents, videos and officials."""
        release.older, release.newer = Release.objects.neighbours(release.pk) or (None, None)
        if self.preview_release is not None:
            prefetch_related_objects([release], "images", "attachments", "videos", _officials_with_positions())
        else:
            release_page.load_related(release)

    def get(self, request, *args, **kwargs):
        if self.preview_release is not None:
            self.object = self.get_object()
            return self.render_page()
        address = stored_pages.PageAddress(request, self.kwargs["pk"])  # before the rows are read
        stored = address.lookup()
        if stored is not None and kwargs.get("slug") == stored[0].url_slug:
            self.count_view(stored[0])
            return address.response(*stored)
        self.object = self.get_object()
        withdrawn = self.withdrawn_response()
        if withdrawn is not None:
            return withdrawn
        if kwargs.get("slug") != self.object.url_slug:
            return redirect(self.object.get_absolute_url(), permanent=True)
        self.count_view(self.object)
        return self.render_page(address)

    def count_view(self, release):
        if self.count_views:
            counters.record_view(self.request, release)

    def render_page(self, address=None):
        """Render the page; with an address, keep it (stored_pages) before its slots are filled."""
        release = self.object
        self.load_page(release)
        response = self.render_to_response(self.get_context_data(object=release, preview=address is None))
        if address is not None:
            response.add_post_render_callback(functools.partial(address.keep, release))
        response.add_post_render_callback(functools.partial(_fill_slots, release))
        return response

    def withdrawn_response(self):
        """Published in error: 410 with a short explanation; replaced: 301 to the replacement."""
        release = self.object
        if release.status != Release.Status.WITHDRAWN:
            return None
        if release.withdrawal_kind == Withdrawal.ERROR:
            body = render_to_string("releases/release_gone.html", {"release": release}, request=self.request)
            return HttpResponseGone(body)
        if release.withdrawal_kind == Withdrawal.REPLACED and release.replaced_by is not None:
            return redirect(release.replaced_by.get_absolute_url(), permanent=True)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        release = self.object
        images = list(release.images.all())
        counterpart = release.counterpart
        translation = counterpart if counterpart is not None and counterpart.is_published() else None
        canonical = self.request.build_absolute_uri(release.get_absolute_url())
        lead_image = images[0] if images else None
        countries, topics = subjects_of(release) if self.preview_release is not None else release_page.subjects(release)
        context.update(
            images=images,
            videos=list(release.videos.all()),
            lead_image=lead_image,
            og_image=self.request.build_absolute_uri(picture(lead_image, "display")["src"]) if lead_image else None,
            mentioned=[(o, o.position_on(release.release_date)) for o in release.officials.all()],
            related=related_releases(release, countries, topics, shared=self.preview_release is None),
            countries=countries,
            topics=topics,
            older=link_to(release.older),
            newer=link_to(release.newer),
            translation=translation,
            translation_url=self.request.build_absolute_uri(translation.url_in_its_language()) if translation else None,
            alternates=translated_pair(self.request, release, translation),
            canonical_url=canonical,
            share_links=share_links(canonical, release.title),
            json_ld=news_article(self.request, release, images, canonical, [*countries, *topics]),
            # Only a corrected release pays the query for its notes.
            corrections=list(release.events.filter(action=ReleaseEvent.Action.CORRECTED).order_by("-at")) if release.corrected_at else [],
            attachments=release.attachments.all(),
            accessible_format_email=settings.NEWSROOM_ACCESSIBLE_FORMAT_EMAIL,
        )
        return context


def _fill_slots(release, response):
    """The per-request parts of a release page (view count, most read), rendered or stored alike."""
    response.content = stored_pages.slots.fill(response.content.decode(), release, thai.page_language())


def related_releases(release, countries, topics, shared=True):
    """related_to() as links, once per generation (it was the detail page's costliest query).
    shared=False (the admin's preview, maybe of unsaved changes) computes without the cache."""

    def links():
        if not shared:  # the admin's preview: maybe an unsaved release, so the plain ORM
            found = related_to(release, Release.objects.only(*LINK_FIELDS), countries, topics)
            return [{field: getattr(item, field) for field in LINK_FIELDS} for item in found]
        return related_links(release, countries, topics, fields=LINK_FIELDS)

    rows = fragments.cached("related", (release.pk,), links) if shared else links()
    return [Release(**data) for data in rows]


def link_to(data):
    """An unsaved Release standing for with_neighbours()' {pk, title, slug, language, release_date}: enough for a link."""
    if not data:
        return None
    return Release(**{**data, "release_date": link_date(data)})


def share_links(url, title):
    """Plain links to each network's own share page: no third-party script on ours."""
    return [
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("LINE", "https://social-plugins.line.me/lineit/share?" + urlencode({"url": url})),
        (_("E-mail"), "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20")),
    ]


def news_article(request, release, images, canonical, subjects=()):
    """schema.org NewsArticle for search engines (rendered as a JSON-LD data block)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title[:110],
        "description": release.summary,
        "inLanguage": release.language,
        "datePublished": date_published(release),
        "dateModified": (release.modified_at or timezone.now()).isoformat(),
        "mainEntityOfPage": canonical,
        "articleSection": release.category.name_for(release.language),
        "author": organisation(request),
        "publisher": {
            **organisation(request),
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("img/logo.png")), "width": 512, "height": 512},
        },
    }
    if images:
        data["image"] = [image_object(request, image) for image in images]
    if release.attachments.all():
        data["associatedMedia"] = media_objects(request, release.attachments.all())
    about = [{"@type": "Person", "name": o.name_for(release.language)} for o in release.officials.all()]
    about += [
        {"@type": "Country" if isinstance(s, Country) else "Thing", "name": s.name_for(release.language), "url": request.build_absolute_uri(s.get_absolute_url())}
        for s in subjects
    ]
    if about:
        data["about"] = about
    return data


def image_object(request, image):
    """A photo's URL, or an ImageObject with its credit (as credit and copyright notice) when it has one."""
    url = request.build_absolute_uri(picture(image, "display")["src"])
    if not image.credit:
        return url
    return {"@type": "ImageObject", "url": url, "creditText": image.credit, "copyrightNotice": image.credit}


def organisation(request):
    """The ministry as schema.org sees it: the author and publisher of every release."""
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}


def date_published(release):
    """The release's own date, with the time of day it was published (Bangkok): the date printed on
    a statement is its date, even when it went online later or was imported from the archive."""
    if release.publish_at is None:
        return release.release_date.isoformat()
    published = timezone.localtime(release.publish_at).replace(microsecond=0)
    return datetime.datetime.combine(release.release_date, published.timetz()).isoformat()


class OfficialListView(PageRangeMixin, ListView):
    template_name = "releases/official_list.html"
    context_object_name = "officials"
    paginate_by = 50

    def get_queryset(self):
        return Official.objects.with_current_position_first().prefetch_related("positions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["officials"] = [(official, official.position_on(today)) for official in context["object_list"]]
        return context


class OfficialDetailView(ReleaseListMixin, PublishedReleaseMixin, ListView):
    """An official's positions over time and the releases that mention them, a page at a time."""

    template_name = "releases/official_detail.html"

    def get(self, request, *args, **kwargs):
        self.official = get_object_or_404(Official.objects.prefetch_related("positions"), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(officials=self.official).newest_first().prefetch_related("images")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            official=self.official,
            positions=list(self.official.positions.all()),
            current_position=self.official.position_on(timezone.localdate()),
        )
        return context


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    body = render_to_string("releases/robots.txt", {"sitemap_url": sitemap})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
