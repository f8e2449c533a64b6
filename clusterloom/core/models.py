"""Base model with timestamps, the audit log and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def link(to, verbose_name, related_name=None, *, on_delete=models.CASCADE, **options):
    """A required foreign key, declared on one line: the target, its label, its reverse name."""
    return models.ForeignKey(
        to, on_delete=on_delete, related_name=related_name, verbose_name=verbose_name, **options
    )


def optional_link(to, verbose_name, related_name=None, **options):
    """A foreign key that may be empty and is emptied when its target is deleted."""
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def not_before(later: str, earlier: str, name: str) -> models.CheckConstraint:
    """A check that the row's `later` field is on or after its `earlier` one (an end after its
    start, an expiry after its award)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{later}__gte": models.F(earlier)}), name=name
    )


class TimeStampedModel(models.Model):
    """Every table records when a row was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change: who, when, what, from which state to which."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=80)
    #: "app_label.model" of the object changed.
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255)
    from_state = models.CharField(_("from state"), max_length=60, blank=True)
    to_state = models.CharField(_("to state"), max_length=60, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ApiToken(TimeStampedModel):
    """A bearer token acting as its user in the API; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    #: SHA-256 of the token; the token itself is shown once when created.
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        """The stored form of a raw token."""
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token for a user; returns it and the raw secret (shown once)."""
        raw = "cl_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash(raw), prefix=raw[3:11])
        return token, raw


class ContentVersion(models.Model):
    """A counter per table, raised after every committed change to that table.

    A cached public page remembers the tables it read and their counters, and is served only
    while none of them moved; the counters live in the database so every worker process sees
    the same values. The scope "*" (raised by bulk changes that name no table) invalidates all.
    """

    #: A database table name, or "*".
    scope = models.CharField(max_length=100, unique=True, default="*")
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
