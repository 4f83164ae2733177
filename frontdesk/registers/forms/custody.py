"""Page forms of the valuables in custody register. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from residents.choices import IdType

from ..signatures import SignatureFormField
from . import project_choices


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (each is checked by the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DepositForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    file = forms.CharField(
        label=_("Household"),
        max_length=48,
        required=False,
        help_text=_("The file number (20261122-003) or the unit (3-1502); may stay empty."),
    )
    owner_name = forms.CharField(label=_("Owner"), max_length=50)
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=20)
    description = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Each item as the owner and the clerk agree it is: what, how many, marks."),
    )
    declared_value = forms.DecimalField(
        label=_("Declared value (¥)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    delegate_name = forms.CharField(
        label=_("Delegate who may collect"), max_length=50, required=False
    )
    delegate_phone = forms.CharField(label=_("Delegate's phone"), max_length=20, required=False)
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = project_choices(projects)


class DelegateForm(forms.Form):
    name = forms.CharField(label=_("Delegate"), max_length=50)
    phone = forms.CharField(label=_("Delegate's phone"), max_length=20, required=False)
    note = forms.CharField(
        label=_("How the owner named them"),
        max_length=200,
        help_text=_("E.g. by phone from the owner's number on file, or a signed note."),
    )


class CustodyReturnForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=20,
        required=False,
        help_text=_("From the owner's receipt."),
    )
    collector_name = forms.CharField(label=_("Collector"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID checked"), choices=IdType.choices)
    id_last4 = forms.CharField(label=_("Last four characters of the ID"), max_length=4)
    signature = SignatureFormField(required=False)
    signed_on_paper = forms.BooleanField(label=_("Signed on paper"), required=False)
