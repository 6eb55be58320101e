"""Comment dates as the page prints them, in the site's time zone and the reader's language.

A thread page prints three forms of thousands of dates, so they are made in one pass with
one time-zone lookup (``DateLabeler``) rather than by a template filter per comment.
"""

from datetime import UTC

from django.utils import formats, timezone
from django.utils.translation import gettext

UTC_NAMES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"}
CLOCK = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60)]
SECONDS = [f"{second:02d}" for second in range(60)]


class DateLabeler:
    """Local time, ISO form, readable date and exact time of many datetimes, cheaply.

    Formatting dates is a large share of a big thread page's cost, so the parts shared by many
    comments (the day, the hour and minute, the UTC offset) are formatted once and reused.
    """

    def __init__(self):
        zone = timezone.get_current_timezone()
        # The C implementation of UTC converts several times faster than zoneinfo's "UTC".
        self.zone = UTC if getattr(zone, "key", None) in UTC_NAMES else zone
        self._days = {}
        self._offsets = {}
        self._whole_days = {}  # day() labels
        self._local_days = {}  # on_day() labels
        # "April 27, 2017 at 14:03": the words once per render, the day once per distinct day.
        self._pattern = gettext("%(date)s at %(time)s")

    def __call__(self, value):
        """(local datetime, ISO 8601, readable day and time, '2017-04-27 14:03:09 UTC').

        The readable day is the active language's DATE_FORMAT ("April 27, 2017",
        "27. April 2017"), formatted once per distinct day: Django's formatter is slow; the
        readable form adds the hour and minute ("April 27, 2017 at 14:03").
        """
        local = value.astimezone(self.zone)
        day = local.toordinal()
        try:
            readable, date = self._days[day]
        except KeyError:
            day_label = formats.date_format(local, "DATE_FORMAT")
            readable = self._pattern % {"date": day_label, "time": "\x00"}
            date = f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
            self._days[day] = readable, date
        offset = local.utcoffset()
        try:
            iso_offset, name = self._offsets[offset, day]
        except KeyError:
            iso_offset = local.isoformat()[19:].lstrip(".0123456789")
            name = local.tzname()
            self._offsets[offset, day] = iso_offset, name
        clock = CLOCK[local.hour * 60 + local.minute]
        seconds = SECONDS[local.second]
        iso = f"{date}T{clock}:{seconds}{iso_offset}"
        return local, iso, readable.replace("\x00", clock), f"{date} {clock}:{seconds} {name}"

    def day(self, value):
        """The same four forms for a comment whose source gave the day only (stored as its
        midnight, UTC): that day, in no time zone (a zone west of UTC would show the day
        before), without a time."""
        day = value.date()
        try:
            label, iso = self._whole_days[day]
        except KeyError:  # formatted once per distinct day, as in __call__
            label, iso = formats.date_format(day, "DATE_FORMAT"), day.isoformat()
            self._whole_days[day] = label, iso
        return value, iso, label, iso

    def on_day(self, value):
        """(ISO 8601, the active language's DATE_FORMAT of its local day): a date shown
        without its time, as a list of search results shows it."""
        local = value.astimezone(self.zone)
        day = local.toordinal()
        try:
            label = self._local_days[day]
        except KeyError:
            label = self._local_days[day] = formats.date_format(local, "DATE_FORMAT")
        return local.isoformat(), label
