"""English dates as the blog has always printed them. Django's own English formats abbreviate
months AP-style ("Sept. 5, 2017") and write short times as "09/05/2017 2:03 p.m."."""

DATE_FORMAT = "F j, Y"  # September 5, 2017
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2017-09-05 14:03 (the admin's thread view)
