from django import forms
from django.utils.translation import gettext_lazy as _

from news.models import Article


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "lead", "body", "author"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
        }


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Ảnh (JPEG hoặc PNG)"))
    caption = forms.CharField(label=_("Chú thích ảnh"), max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked like a single one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ReadingForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung bài viết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Dán toàn văn tin bài của đơn vị khác."),
    )
    files = MultipleFileField(label=_("Hoặc tải lên các tệp văn bản (.txt)"), required=False)
