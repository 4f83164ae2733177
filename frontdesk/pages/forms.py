"""Forms of the desk's own pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search households"), required=False, max_length=60)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Follow the browser"))] + list(settings.LANGUAGES),
        required=False,
        widget=forms.RadioSelect,
    )
