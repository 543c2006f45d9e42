"""Photos stored before they were re-encoded on upload may carry EXIF with a GPS position
(served publicly once their article is published) or bytes that are not an image: each
one is re-encoded as a new upload would be, and one that cannot be decoded is removed."""

from django.db import migrations


def photos_reencode(apps, schema_editor):
    from nghiquyet.images import image_clean
    from nghiquyet.uploads import UploadError, private_file, store_private

    Photo = apps.get_model("news", "Photo")
    for photo in Photo.objects.order_by("pk").iterator(chunk_size=200):
        path = private_file(photo.stored_path, "news")
        if path is None:
            continue
        try:
            with path.open("rb") as file:
                image = image_clean(file)
        except UploadError:
            photo.delete()
        else:
            stored = store_private([image.data], "news", image.suffix)
            Photo.objects.filter(pk=photo.pk).update(
                stored_path=stored, content_type=image.content_type
            )
        path.unlink()


class Migration(migrations.Migration):
    # Row by row, so a failure never leaves a row pointing at a file already replaced.
    atomic = False

    dependencies = [
        ("news", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(photos_reencode, migrations.RunPython.noop, elidable=True),
    ]
