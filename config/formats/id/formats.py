# Django's own Indonesian formats mix "j N Y" (2 Des. 2026) and "d-m-Y" (02-12-2026);
# here one long form, "2 Desember 2026", and one short form, "2 Des 2026", that no reader
# takes for another day. Times as Indonesian writes them: 14.30.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H.i"
SHORT_DATETIME_FORMAT = "j M Y, H.i"
YEAR_MONTH_FORMAT = "F Y"  # a month in the statistics: "Desember 2026"
TIME_FORMAT = "H.i"

# 1.234,56. Grouping is asked for where a number is printed (floatformat's "g", `money`),
# not turned on for every number: USE_THOUSAND_SEPARATOR would also print years and ids
# in templates as "2.026".
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
