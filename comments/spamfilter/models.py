import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .features import domain_of
from .normalise import normalise, words

TOTALS_KEY = 0  # the counts row holding how many spam and ham comments were learned


class SpamFeatureCount(models.Model):
    """How many learned spam and ham comments had one feature (``features.feature_key``).

    Updated only by ``store.add_counts``, one ``INSERT … ON CONFLICT DO UPDATE SET n = n + …``
    in key order, so concurrent learners add up and never deadlock. The row with key 0 holds
    the number of comments learned.
    """

    key = models.BigIntegerField(primary_key=True)
    spam = models.BigIntegerField(default=0)
    ham = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("spam filter count")
        verbose_name_plural = _("spam filter counts")

    def __str__(self):
        return f"{self.key}: {self.spam} spam, {self.ham} ham"


class SpamEvidence(models.Model):
    """The features a comment was scored on, and what the filter learned from it.

    Kept so a reversed decision unlearns exactly what was learned, whatever happened to the
    comment's text or the behaviour signals since.
    """

    class Learned(models.TextChoices):
        NOTHING = "", _("nothing")
        SPAM = "spam", _("spam")
        HAM = "ham", _("ham")

    comment = models.OneToOneField(
        "comments.Comment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="spam_evidence",
    )
    features = models.JSONField(default=list)  # feature keys
    learned = models.CharField(max_length=4, blank=True, choices=Learned.choices, default="")

    class Meta:
        verbose_name = _("spam evidence")
        verbose_name_plural = _("spam evidence")

    def __str__(self):
        return f"{self.comment_id}: {self.learned or '-'}"


def ip_hex(address):
    """An address as 32 hex digits (IPv4 mapped into IPv6), so ranges compare as strings."""
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        ip = ipaddress.IPv6Address(f"::ffff:{ip}")
    elif ip.ipv4_mapped:
        ip = ipaddress.IPv6Address(f"::ffff:{ip.ipv4_mapped}")
    return f"{int(ip):032x}"


class SpamRule(models.Model):
    """A moderator's rule: what to do with a comment that matches it."""

    class Kind(models.TextChoices):
        WORD = "word", _("word or phrase")
        EMAIL = "email", _("email address or domain")
        IP = "ip", _("IP address or range")
        WEBSITE = "website", _("website domain")

    class Action(models.TextChoices):
        HOLD = "hold", _("hold for moderation")
        SPAM = "spam", _("store as spam")
        REFUSE = "refuse", _("refuse with a form error")
        SHADOW = "shadow", _("shadow ban")

    # When several rules match, the strongest action wins.
    STRENGTH = {Action.HOLD: 1, Action.SPAM: 2, Action.SHADOW: 3, Action.REFUSE: 4}

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        help_text=_(
            "A word or phrase (whole words; case, accents, look-alike letters and invisible "
            "characters do not matter); an address (ann@example.org) or a domain "
            "(example.org, also matching its subdomains); an IP address or a CIDR range "
            "(203.0.113.0/24, 2001:db8::/32); a website domain linked in the text or given "
            "as the author's website."
        ),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # What the pattern matches, normalised; IP ranges as their first and last address.
    value = models.CharField(max_length=200, editable=False, db_index=False)
    ip_first = models.CharField(max_length=32, blank=True, editable=False)
    ip_last = models.CharField(max_length=32, blank=True, editable=False)
    hits = models.PositiveIntegerField(_("hits"), default=0, editable=False)
    last_hit_at = models.DateTimeField(_("last hit"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spam rule")
        verbose_name_plural = _("spam rules")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="spamrule_unique_value"),
        ]
        indexes = [
            # The IP rules that may contain an address: those starting at or before it.
            models.Index(fields=["kind", "ip_first"], name="spamrule_ip_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.pattern}"

    def save(self, *args, **kwargs):
        # Whatever made the rule (the admin's form, code), its value is the normalised pattern.
        self.value, self.ip_first, self.ip_last = self.normalised(self.kind, self.pattern)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.value, self.ip_first, self.ip_last = self.normalised(self.kind, self.pattern)
        twin = SpamRule.objects.filter(kind=self.kind, value=self.value).exclude(pk=self.pk)
        if twin.exists():
            raise ValidationError({"pattern": _("A rule for this already exists.")})

    @classmethod
    def build(cls, *, kind, pattern, action, note=""):
        """An unsaved rule with its normalised value (for ``bulk_create``)."""
        value, ip_first, ip_last = cls.normalised(kind, pattern)
        return cls(kind=kind, pattern=pattern, action=action, note=note, value=value,
                   ip_first=ip_first, ip_last=ip_last)  # fmt: skip

    @classmethod
    def normalised(cls, kind, pattern):
        """(value, first IP, last IP) of a pattern; ValidationError when it makes no sense."""
        pattern = (pattern or "").strip()
        if kind == cls.Kind.WORD:
            value = " ".join(words(normalise(pattern)))
            if not value:
                raise ValidationError({"pattern": _("Enter a word or phrase.")})
            return value, "", ""
        if kind == cls.Kind.EMAIL:
            value = normalise(pattern).lstrip("@")
            if not value or len(value.split()) != 1 or "." not in value.rpartition("@")[2]:
                raise ValidationError({"pattern": _("Enter an email address or a domain.")})
            return value, "", ""
        if kind == cls.Kind.WEBSITE:
            value = domain_of(pattern)
            if not value or "." not in value:
                raise ValidationError({"pattern": _("Enter a domain, such as example.org.")})
            return value, "", ""
        if kind == cls.Kind.IP:
            try:
                network = ipaddress.ip_network(pattern, strict=False)
            except ValueError:
                raise ValidationError(
                    {"pattern": _("Enter an IP address or a range such as 203.0.113.0/24.")}
                ) from None
            return (
                str(network),
                ip_hex(network.network_address),
                ip_hex(network.broadcast_address),
            )
        raise ValidationError({"kind": _("Choose a kind of rule.")})
