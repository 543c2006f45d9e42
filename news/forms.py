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


class ReadingForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung bài viết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Dán toàn văn tin bài của đơn vị khác."),
    )
    files = forms.FileField(
        label=_("Hoặc tải lên các tệp văn bản (.txt)"),
        required=False,
        widget=MultipleFileInput(),
    )

    def clean_files(self):
        return self.files.getlist("files")
