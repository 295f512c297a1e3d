"""Trình bày văn bản: lays out administrative documents in the Nghị định 30/2020 format.

`model` holds the structured content, `docx.render_docx` and `pdf.render_pdf` produce the
files, `samples` has documents for tests and the demo. The app has no models.
"""
