from django import forms
from django.utils.translation import gettext_lazy as _

from news.models import Article, Category, Site


class ArticleForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        Category.objects.all(),
        label=_("Chuyên mục"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Article
        fields = ["title", "lead", "body", "author", "categories"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
        }


class FeatureForm(forms.Form):
    site = forms.ModelChoiceField(None, label=_("Nổi bật trên trang của"), empty_label=None)
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=99, initial=1)
    until = forms.DateTimeField(
        label=_("Nổi bật đến (để trống: đến khi bỏ chọn)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class PromoteForm(forms.Form):
    to = forms.ModelChoiceField(None, label=_("Đưa lên trang của"), empty_label=None)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = units


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


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["address", "phone", "email"]
