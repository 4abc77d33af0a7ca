"""Public pages. Everything public starts from Release.objects.published()."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from .models import Official, Release


class PublishedReleaseMixin:
    def get_queryset(self):
        return Release.objects.published().select_related("category")


class ReleaseListView(PublishedReleaseMixin, ListView):
    template_name = "releases/release_list.html"
    context_object_name = "releases"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().newest_first().prefetch_related("images")


class ReleaseDetailView(PublishedReleaseMixin, DetailView):
    template_name = "releases/release_detail.html"
    context_object_name = "release"
    # Set by the admin's preview: render this release as the public would see it.
    preview_release = None

    def get_object(self, queryset=None):
        if self.preview_release is not None:
            return self.preview_release
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except Release.DoesNotExist:
            raise Http404("No release found") from None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.preview_release is None and kwargs.get("slug") != self.object.slug:
            return redirect(self.object.get_absolute_url(), permanent=True)
        context = self.get_context_data(object=self.object, preview=self.preview_release is not None)
        return self.render_to_response(context)


class OfficialDetailView(DetailView):
    model = Official
    template_name = "releases/official_detail.html"
    context_object_name = "official"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = Release.objects.published().filter(officials=self.object).newest_first()[:20]
        return context
