"""Vocabularies of cluster profiles: sectors, emerging industries, ecosystems, KETs, and the
technology fields and value-chain terms that grow as profiles bring new ones."""

from django.db import models
from django.dispatch import Signal
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: Sent with `term_ids` when terms' names or translations changed in bulk (no post_save).
terms_relabelled = Signal()


class Vocabulary(models.TextChoices):
    """The taxonomies used in cluster and partnership profiles."""

    SECTORAL = "sectoral", _("Sectoral industry")
    EMERGING = "emerging", _("Emerging industry")
    ECOSYSTEM = "ecosystem", _("Industrial ecosystem")
    KET = "ket", _("Key enabling technology")
    TECHNOLOGY = "technology", _("Technology field")
    VALUE_CHAIN = "value_chain", _("Value chain")


class Term(models.Model):
    """One term of one vocabulary; terms found in imported profiles are kept, not dropped."""

    vocabulary = models.CharField(_("vocabulary"), max_length=20, choices=Vocabulary.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    #: Category a value-chain term sits under on the ECCP ("Manufacturing & Industry", "KETS").
    category = models.CharField(_("category"), max_length=100, blank=True)
    #: True for the reference lists of DOMAIN.md; False for terms profiles brought in.
    is_reference = models.BooleanField(_("reference term"), default=False)
    #: The name in the platform's other languages ({"it": "Tessile", ...}); English is `name`.
    #: Data, not code: the reference loader fills it from taxonomy/data/translations.json.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["vocabulary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "category", "slug"], name="unique_term_per_vocabulary"
            )
        ]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return f"{self.category}: {self.name}" if self.category else self.name

    def label_in(self, language: str | None) -> str:
        """The term's name in that language ("it", "pt-br"), its English name when untranslated."""
        return term_label(self.name, self.translations, language)

    @property
    def label(self) -> str:
        """The term's name in the active language: what the interface shows."""
        return self.label_in(get_language())


def term_label(name: str, translations: dict | None, language: str | None) -> str:
    """A term's name in a language from its English name and its translations."""
    if language and translations:
        code = language.lower()
        return translations.get(code) or translations.get(code.split("-")[0]) or name
    return name
