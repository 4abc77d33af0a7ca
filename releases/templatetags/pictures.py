"""{% picture_data image size as pic %}: what includes/picture.html needs for one photo, without queries."""

from django import template

from releases import images

register = template.Library()


@register.simple_tag
def picture_data(image, size="display"):
    return images.picture(image, size)
