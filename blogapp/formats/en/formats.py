"""English dates as the blog has always printed them ("September 5, 2017"); Django's own
English DATE_FORMAT abbreviates months AP-style ("Sept. 5, 2017")."""

DATE_FORMAT = "F j, Y"
