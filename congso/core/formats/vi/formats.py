"""Vietnamese input formats: day before month, as people in Vietnam write dates.

Django's own ``vi`` locale leaves the input formats at the defaults, which read
"11/10/2026" as 10 November (US order). Everything else comes from Django.
"""

from django.conf.locale.vi.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
