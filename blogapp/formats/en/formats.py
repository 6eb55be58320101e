"""English dates as the blog has always printed them. Django's own English formats abbreviate
months AP-style ("Sept. 5, 2017") and write times on a 12-hour clock ("2:03 p.m."); the
public pages and German use a 24-hour clock, so the admin does too."""

DATE_FORMAT = "F j, Y"  # September 5, 2017
DATETIME_FORMAT = "F j, Y, H:i"  # September 5, 2017, 14:03 (the admin's lists and forms)
TIME_FORMAT = "H:i"  # 14:03
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2017-09-05 14:03 (the admin's thread view)
