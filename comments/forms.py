from django import forms
from django.conf import settings
from django.core.validators import URLValidator


class CommentForm(forms.Form):
    """The public comment form: a new top-level comment, or a reply when ``parent`` is set."""

    name = forms.CharField(label="Name", max_length=100)
    email = forms.EmailField(
        label="Email", required=False, max_length=254,
        help_text="Optional. Never shown publicly.",
    )  # fmt: skip
    url = forms.URLField(
        label="Website", required=False, max_length=500, assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )  # fmt: skip
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.COMMENT_MAX_LENGTH,
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Please write a comment.")
        return body

    def full_clean(self):
        super().full_clean()
        # A form sent back with errors opens on the first field to fix (with or without JS).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                break
