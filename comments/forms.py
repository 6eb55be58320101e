from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from . import submission
from .validators import has_visible_text, multi_line_text, single_line_text

PARENT_REFUSED = _("The comment you are replying to does not exist or can no longer be replied to.")
FORM_EXPIRED = _("This form has expired. Your text is kept below; please post it again.")
HONEYPOT_FILLED = _(
    "Your comment looks automated and was not posted. If you are a person, please post it again."
)
MAX_ID = 2**63 - 1
MARKDOWN_HINT = _(
    "Markdown works: **bold**, *italic*, `code`, [links](https://example.com), > quotes, "
    "- lists and ``` code blocks. No images or HTML."
)  # the largest id PostgreSQL's bigint holds


class HoneypotInput(forms.TextInput):
    """A text box for bots only: never echoes what was typed into it."""

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})

    def format_value(self, value):
        return None


class CheckedCharacters:
    """For a field of the comment form: ``characters``, a check of ``validators.py``, runs
    before the field's other validators, and a character it refuses is the field's one error.

    Django's own checks would add theirs beside it for the same character ("Null characters
    are not allowed.", "Enter a valid email address."): two messages for one problem, and the
    project's is the one that says which character and what to do."""

    def __init__(self, *, characters, **kwargs):
        self.characters = characters
        super().__init__(**kwargs)

    def run_validators(self, value):
        if value not in self.empty_values:
            self.characters(value)
        super().run_validators(value)


class TextField(CheckedCharacters, forms.CharField):
    """Text typed into the comment form."""


class AddressField(CheckedCharacters, forms.EmailField):
    """An email address typed into the comment form."""


class WebsiteField(CheckedCharacters, forms.URLField):
    """A web address, http or https only. Replaces URLField's own validator rather than adding
    a second one, so a bad address gets one "Enter a valid URL." instead of two."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    """The public comment form: a new top-level comment, or a reply when ``parent`` is set."""

    honeypot_field = "homepage"

    # dir="auto": a name or comment typed in Arabic or Hebrew reads right to left as it is typed.
    name = TextField(
        label=_("Name"),
        max_length=100,
        characters=single_line_text,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    email = AddressField(
        label=_("Email"), required=False, max_length=254, characters=single_line_text,
        help_text=_("Optional. Never shown publicly."),
    )  # fmt: skip
    url = WebsiteField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https",
        characters=single_line_text,
    )  # fmt: skip
    body = TextField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        max_length=settings.COMMENTS_MAX_LENGTH,
        characters=multi_line_text,
        help_text=MARKDOWN_HINT,
    )
    notify_replies = forms.BooleanField(
        label=_("Notify me of replies to my comment"),
        required=False,
    )
    notify_post = forms.BooleanField(
        label=_("Notify me of new comments on this post"),
        required=False,
        help_text=_(
            "Either needs your email. The first time, you get a mail to confirm your address; "
            "every mail has an unsubscribe link."
        ),
    )
    remember = forms.BooleanField(
        label=_("Save my name, email and website in this browser"),
        required=False,
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=500, widget=HoneypotInput()
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    # Checked in clean(): its problems are the whole form's, not a hidden field's.
    token = forms.CharField(
        required=False, max_length=500, widget=forms.HiddenInput, initial=submission.new_form_token
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not has_visible_text(name):
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Please write a comment."))
        return body

    def clean(self):
        cleaned = super().clean()
        notify = cleaned.get("notify_replies") or cleaned.get("notify_post")
        if notify and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter your email to get new comments by mail."))
        if self.errors.pop("parent", None):
            self.add_error(None, forms.ValidationError(PARENT_REFUSED, code="invalid_parent"))
        if cleaned.get(self.honeypot_field):
            self.add_error(None, forms.ValidationError(HONEYPOT_FILLED, code="honeypot"))
        key = submission.key_from_token(cleaned.get("token") or "")
        if key is None:
            self.add_error(None, forms.ValidationError(FORM_EXPIRED, code="expired"))
            self.renew_token()
        cleaned["submission_key"] = key
        return cleaned

    def renew_token(self):
        """Give the re-shown form a fresh one-time key (the old one is bad or used)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("token")] = submission.new_form_token()

    def refuse(self, error):
        """Refuse the whole submission for one reason, whatever else may be wrong with it."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, error)

    def full_clean(self):
        super().full_clean()
        # A form sent back with errors opens on the first field to fix (with or without JS).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                break


class AuthorEditForm(forms.Form):
    """An author's new text for their own comment, within the edit window."""

    body = TextField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        max_length=settings.COMMENTS_MAX_LENGTH,
        characters=multi_line_text,
        help_text=MARKDOWN_HINT,
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Please write a comment."))
        return body


class CommentPreviewForm(AuthorEditForm):
    """Only the text of a comment form, for its preview."""


class ReplyAsAuthorForm(forms.Form):
    """A moderator's reply, in the post author's name, from the admin's thread view."""

    parent = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    body = TextField(
        label=_("Reply as the post's author"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        max_length=settings.COMMENTS_MAX_LENGTH,
        characters=multi_line_text,
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Please write a comment."))
        return body
