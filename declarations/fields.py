"""Form fields that name declarations as the reader reads them (querysets must prefetch `translations`)."""

from __future__ import annotations

from django import forms

from declarations.models import Declaration


class DeclarationChoiceField(forms.ModelChoiceField[Declaration]):
    def label_from_instance(self, obj: Declaration) -> str:
        return obj.shown.text


class DeclarationMultipleChoiceField(forms.ModelMultipleChoiceField[Declaration]):
    def label_from_instance(self, obj: Declaration) -> str:
        return obj.shown.text
