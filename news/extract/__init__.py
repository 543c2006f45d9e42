"""The parts of the news extractor (:mod:`news.extractor`), one field family per module.

``page`` turns a paste (plain text or HTML) into a title, a publication date and body
lines without the site's furniture; ``dates``, ``resolutions``, ``figures``, ``event`` and
``topics`` read the fields from it; ``evaluation`` scores the result against labels.
"""
