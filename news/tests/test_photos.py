"""A news photo is decoded under a pixel cap, turned upright and re-encoded: only its
pixels are kept and served, never its EXIF position, text chunks or anything appended."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from news import services
from news.models import Photo

pytestmark = pytest.mark.django_db

GPS = 0x8825
ORIENTATION = 0x0112
XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Hồ Gươm 21.028,105.85</rdf:RDF></x:xmpmeta>'


def jpeg(size=(64, 32), orientation=None, gps=True) -> bytes:
    """A phone photo: EXIF with the camera, its position and orientation, XMP, a profile."""
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    if gps:
        exif[GPS] = {1: "N", 2: (21.0, 1.0, 41.0), 3: "E", 4: (105.0, 51.0, 7.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(
        out,
        "JPEG",
        exif=exif,
        xmp=XMP.encode(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return out.getvalue()


def png(size=(8, 8), mode="RGBA", **text) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_itxt(key, value)
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 60, 128) if mode == "RGBA" else 0).save(
        out, "PNG", pnginfo=info
    )
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A PNG whose header promises 900 million pixels over a few bytes of data: decoding
    it would allocate a gigabyte before finding out the data is missing."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def add(world, conference, content: bytes, name="anh.jpg"):
    article = services.article_draft(world.secretary, conference)
    upload = io.BytesIO(content)
    upload.name, upload.size = name, len(content)
    return article, upload


def stored(settings, photo: Photo) -> bytes:
    return (Path(settings.PRIVATE_MEDIA_ROOT) / photo.stored_path).read_bytes()


def nothing_stored(settings) -> bool:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "news"
    return not Photo.objects.exists() and (not folder.exists() or not any(folder.iterdir()))


def test_a_phone_photo_is_stored_without_its_gps_position_or_any_metadata(
    world, conference, settings
):
    original = jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the position is there
    article, upload = add(world, conference, original)
    photo = services.photo_add(world.secretary, article, upload, "Quang cảnh hội nghị")
    data = stored(settings, photo)
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size, photo.content_type) == ("JPEG", (64, 32), "image/jpeg")
    assert not image.getexif() and not image.getexif().get_ifd(GPS)
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    assert b"Exif" not in data and b"Samsung" not in data and b"xmpmeta" not in data
    assert image.getpixel((10, 10))[0] > 180  # still the same red picture


def test_a_photo_taken_sideways_is_turned_upright(world, conference, settings):
    article, upload = add(world, conference, jpeg(size=(64, 32), orientation=6))
    photo = services.photo_add(world.secretary, article, upload, "Chụp dọc")
    image = Image.open(io.BytesIO(stored(settings, photo)))
    assert image.size == (32, 64)
    assert ORIENTATION not in image.getexif()


def test_a_png_keeps_its_transparency_and_loses_its_text(world, conference, settings):
    article, upload = add(world, conference, png(Author="Nguyễn Văn An", GPS="21.03,105.85"))
    photo = services.photo_add(world.secretary, article, upload, "Biểu trưng")
    data = stored(settings, photo)
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.mode, photo.content_type) == ("PNG", "RGBA", "image/png")
    assert image.getpixel((0, 0)) == (10, 120, 60, 128)
    assert b"iTXt" not in data and b"Author" not in data and not image.text


def test_a_large_photo_is_scaled_down_to_the_longest_edge(world, conference, settings):
    article, upload = add(world, conference, jpeg(size=(4000, 3000), gps=False))
    photo = services.photo_add(world.secretary, article, upload, "Toàn cảnh")
    assert Image.open(io.BytesIO(stored(settings, photo))).size == (2560, 1920)


def test_a_png_header_followed_by_html_is_refused(world, conference, settings):
    import weasyprint  # noqa: F401

    fake = b"\x89PNG\r\n\x1a\n<html><body><script>alert(document.cookie)</script></body></html>"
    article, upload = add(world, conference, fake, "anh.png")
    with pytest.raises(services.UploadError, match="Chỉ nhận ảnh JPEG hoặc PNG"):
        services.photo_add(world.secretary, article, upload, "Ảnh")
    assert nothing_stored(settings)


def test_html_appended_to_a_real_png_is_not_kept(world, conference, settings):
    article, upload = add(world, conference, png() + b"<script>alert(1)</script>", "anh.png")
    photo = services.photo_add(world.secretary, article, upload, "Ảnh")
    assert b"<script>" not in stored(settings, photo)


def test_a_decompression_bomb_is_refused_from_its_header(world, conference, settings):
    bomb = png_bomb()
    assert len(bomb) < 100
    article, upload = add(world, conference, bomb, "bom.png")
    # Decoding would end in "damaged": the size message shows it was judged by the header.
    with pytest.raises(services.UploadError, match="Ảnh quá lớn \\(trên 40 triệu điểm ảnh\\)"):
        services.photo_add(world.secretary, article, upload, "Ảnh")
    assert nothing_stored(settings)


def test_a_photo_just_over_the_pixel_cap_is_refused_before_decoding(world, conference, settings):
    article, upload = add(world, conference, png_bomb(8_000, 5_001), "lon.png")
    with pytest.raises(services.UploadError, match="Ảnh quá lớn"):
        services.photo_add(world.secretary, article, upload, "Ảnh")
    assert nothing_stored(settings)


def test_a_truncated_photo_is_refused_as_damaged(world, conference, settings):
    import weasyprint  # noqa: F401  (it tells Pillow to accept truncated images)

    article, upload = add(world, conference, jpeg(size=(400, 300))[:-600])
    with pytest.raises(services.UploadError, match="Ảnh bị hỏng"):
        services.photo_add(world.secretary, article, upload, "Ảnh")
    assert nothing_stored(settings)


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88",
        b"\xff\xd8\xff\xe0<html>not a jpeg</html>",
    ],
    ids=["gif", "svg", "webp", "jpeg-magic-then-html"],
)
def test_anything_but_a_jpeg_or_png_is_refused(world, conference, settings, content):
    article, upload = add(world, conference, content, "anh.jpg")
    with pytest.raises(services.UploadError, match="Chỉ nhận ảnh JPEG hoặc PNG|Ảnh bị hỏng"):
        services.photo_add(world.secretary, article, upload, "Ảnh")
    assert nothing_stored(settings)


def test_the_page_says_why_a_photo_was_refused(world, conference, client, settings):
    article, upload = add(world, conference, png_bomb(), "bom.png")
    client.force_login(world.secretary)
    page = client.post(
        reverse("news:photo-add", args=[article.pk]),
        {"image": upload, "caption": "Ảnh"},
        follow=True,
    ).content.decode()
    assert "Ảnh quá lớn (trên 40 triệu điểm ảnh); hãy thu nhỏ ảnh rồi tải lên." in page
    assert nothing_stored(settings)


def test_a_served_photo_has_its_type_and_forbids_sniffing(world, conference, client):
    article, upload = add(world, conference, jpeg())
    photo = services.photo_add(world.secretary, article, upload, "Quang cảnh")
    services.article_publish(world.secretary, article)
    response = client.get(reverse("news:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    served = b"".join(response.streaming_content)
    assert b"Exif" not in served and Image.open(io.BytesIO(served)).format == "JPEG"


def test_photos_stored_before_are_re_encoded_and_broken_ones_removed(world, conference, settings):
    from importlib import import_module

    from django.apps import apps

    from nghiquyet.uploads import private_file, store_private

    article = services.article_draft(world.secretary, conference)
    old = Photo.objects.create(
        article=article,
        stored_path=store_private([jpeg(orientation=6)], "news", "jpg"),
        content_type="image/jpeg",
        caption="Ảnh cũ",
    )
    polyglot = Photo.objects.create(
        article=article,
        stored_path=store_private([b"\x89PNG\r\n\x1a\n<html>"], "news", "png"),
        content_type="image/png",
        caption="Không phải ảnh",
    )
    import_module("news.migrations.0002_photos_reencoded_without_metadata").photos_reencode(
        apps, None
    )
    assert private_file(polyglot.stored_path, "news") is None
    assert not Photo.objects.filter(pk=polyglot.pk).exists()
    old_path = old.stored_path
    old.refresh_from_db()
    assert old.stored_path != old_path and private_file(old_path, "news") is None
    image = Image.open(io.BytesIO(stored(settings, old)))
    assert image.size == (32, 64) and not image.getexif()
