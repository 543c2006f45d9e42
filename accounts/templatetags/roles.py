from django import template

from accounts.matrix import who_may as sentence
from accounts.policy import Action

register = template.Library()


@register.simple_tag
def who_may(action: str, unit=None) -> str:
    """Where a button is absent for the reader's role, who may do it instead."""
    return sentence(Action(action), unit)
