"""Registry figures in templates, as clearance.read.figures declares them."""

from django import template

register = template.Library()


@register.filter
def figure_text(registry, figure):
    """`{{ registry|figure_text:figure }}`: the figure of a ledger.Figures, written the Vietnamese way."""
    return figure.text(figure.value(registry))
