"""The formats of dates and numbers in each language (FORMAT_MODULE_PATH): one long and
one short date, the same pattern in both languages so a page reads alike in either, and
each language's own separators. Templates use the named formats only (`DATE_FORMAT`,
`SHORT_DATE_FORMAT` and their `*DATETIME_FORMAT`), never a pattern of their own
(tests/operations/test_locale_formats.py keeps it so)."""
