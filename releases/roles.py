"""The editorial roles: who may publish. One place for the rule, used by admin and views."""

from django.utils.translation import gettext_noop

# Stored in English (code refers to them); marked so the admin can show them translated.
EDITOR = gettext_noop("Editor")
PUBLISHER = gettext_noop("Publisher")
PUBLISH_PERMISSION = "releases.publish_release"


def can_publish(user):
    """Publish, unpublish, schedule and delete releases."""
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def can_write(user):
    """Write releases at all: edit drafts, submit them for review, take them back (an Editor)."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("releases.change_release"))


def can_edit(user, release):
    """Editors edit drafts, and live releases by a pending edit a publisher approves; publishers edit anything."""
    if not can_write(user):
        return False
    return can_publish(user) or release.status in (release.Status.DRAFT, release.Status.PUBLISHED)


# Permissions per role, by codename in app releases (auth's own models untouched).
ROLE_PERMISSIONS = {
    EDITOR: [
        "add_release", "change_release", "view_release",
        "add_releaseimage", "change_releaseimage", "delete_releaseimage", "view_releaseimage",
        "add_releaseattachment", "change_releaseattachment", "delete_releaseattachment", "view_releaseattachment",
        "add_official", "change_official", "view_official",
        "add_position", "change_position", "delete_position", "view_position",
        "view_category",
        "view_country", "add_topic", "change_topic", "view_topic",
        "add_releasevideo", "change_releasevideo", "delete_releasevideo", "view_releasevideo",
    ],
    PUBLISHER: [
        "add_release", "change_release", "view_release", "delete_release", "publish_release",
        "add_releaseimage", "change_releaseimage", "delete_releaseimage", "view_releaseimage",
        "add_releaseattachment", "change_releaseattachment", "delete_releaseattachment", "view_releaseattachment",
        "add_official", "change_official", "view_official", "delete_official",
        "add_position", "change_position", "delete_position", "view_position",
        "add_category", "change_category", "view_category", "delete_category",
        "add_country", "change_country", "view_country", "add_topic", "change_topic", "view_topic", "delete_topic",
        "add_releasevideo", "change_releasevideo", "delete_releasevideo", "view_releasevideo",
    ],
}
