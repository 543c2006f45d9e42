"""PDF from HTML with WeasyPrint, offline: local fonts only, and a URL fetcher that
refuses every URL, so nothing in a page (names typed by users included) may make the
server fetch anything."""


def _refuse_every_url(url: str):
    raise ValueError(f"Không tải tài nguyên từ mạng khi dựng PDF: {url}")


def offline_fetcher():
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before URLFetcher took a plain function
        return _refuse_every_url

    class Offline(URLFetcher):
        def fetch(self, url, headers=None):
            _refuse_every_url(url)

    return Offline()


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint is slow to load and only the PDF exports need it.
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=offline_fetcher()).write_pdf()
