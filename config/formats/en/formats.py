# The same patterns as Indonesian, so both languages read alike: "2 December 2026" and
# "2 Dec 2026" (not Django's American "12/02/2026", which an Indonesian reads as
# 12 February).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"  # a month in the statistics: "December 2026"
TIME_FORMAT = "H:i"

# 1,234.56
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
