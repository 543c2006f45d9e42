"""Uploaded photos, for every app: decoded by Pillow under a pixel cap, turned upright,
scaled to a sensible size and re-encoded, so that only pixels are kept. EXIF (with its
GPS position), XMP, text chunks, colour profiles and anything appended to the file are
gone; only the re-encoded file is stored and served."""

import contextlib
import io
import threading
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from nghiquyet.uploads import UploadError

MAX_PIXELS = 40_000_000  # a 48-megapixel phone saves 12 MP by default; 40 is generous
MAX_EDGE = 2560  # wider than any screen that reads a news page
JPEG_QUALITY = 85
_DECODING = threading.Lock()
_OPENED = ("JPEG", "PNG")
# A phone's multi-picture JPEG opens as MPO; its first picture is kept as a JPEG.
_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
}


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    suffix: str
    width: int
    height: int


def _too_big() -> UploadError:
    return UploadError(
        _("Ảnh quá lớn (trên %(n)s triệu điểm ảnh); hãy thu nhỏ ảnh rồi tải lên.")
        % {"n": MAX_PIXELS // 1_000_000}
    )


@contextlib.contextmanager
def _strict_decoding():
    """WeasyPrint, once imported, tells Pillow to accept truncated images in the whole
    process; an upload must decode whole, so that is undone while one is checked. The
    lock keeps two uploads from restoring the flag under each other."""
    from PIL import ImageFile

    with _DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def image_clean(file: BinaryIO) -> CleanImage:
    """The photo in `file` re-encoded without metadata; raises UploadError in Vietnamese."""
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    # Pillow closes the stream it reads from; it gets a copy (uploads are a few MB at most).
    source = io.BytesIO(file.read())
    file.seek(0)
    with _strict_decoding(), warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; here that is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source, formats=_OPENED)
        except UnidentifiedImageError:
            raise UploadError(_("Chỉ nhận ảnh JPEG hoặc PNG.")) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big() from None
        except Exception:  # a header Pillow recognised but could not parse
            raise UploadError(_("Ảnh bị hỏng, không đọc được.")) from None
        # The header states the size: refuse before a single pixel is decoded.
        if image.width * image.height > MAX_PIXELS:
            raise _too_big()
        try:
            image.load()  # the whole image: a truncated or damaged one fails here
            return _reencoded(image, *_FORMATS[image.format])
        except UploadError:
            raise
        except Exception:  # Pillow raises OSError, SyntaxError, ValueError … for damage
            raise UploadError(_("Ảnh bị hỏng hoặc không đầy đủ, không đọc được.")) from None


def _reencoded(image, content_type: str, suffix: str) -> CleanImage:
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image)
    image = _in_srgb(image)
    if image.mode in ("1", "P") or (suffix == "jpg" and image.mode not in ("L", "RGB")):
        image = image.convert("RGBA" if suffix == "png" and image.has_transparency_data else "RGB")
    elif image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    # Pillow writes some of `info` back (EXIF, XMP, ICC, text); keep only transparency.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    if suffix == "jpg":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG")
    return CleanImage(out.getvalue(), content_type, suffix, image.width, image.height)


def _in_srgb(image):
    """Colours converted from an embedded profile (Display P3, Adobe RGB, CMYK …) to
    sRGB, the space a browser assumes once the profile is gone."""
    from PIL import ImageCms

    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are
