from django.test import TestCase

from comments.models import Comment
from tests.factories import make_comment
from tests.posting import comment_url, form_data

SPAM_TEXTS = [
    "Check out my channel and subscribe for free gift cards at http://promo.example.com",
    "Subscribe to my channel for free followers, visit http://promo.example.com today",
    "Free gift cards for everyone who visits my channel http://promo.example.com",
    "Make money fast from home, subscribe to my channel http://promo.example.com",
]
HAM_TEXTS = [
    "The garden looks lovely in this photo, thanks for sharing the roses",
    "I planted the same roses last spring and they bloomed in June",
    "Thanks for the tips about watering, my garden is much happier now",
    "Which fertiliser do you use for the tomatoes in the back of the garden?",
]
NEW_SPAM = "Subscribe to my channel for free gift cards http://promo.example.com"
NEW_HAM = "Lovely roses, my garden has the same ones, thanks for sharing"


def held_comments(post, texts):
    return [make_comment(post, body=text, status=Comment.Status.PENDING) for text in texts]


def post_comment(client, post, **fields):
    """Post the public form as a browser does; return the response and the new comment."""
    data = form_data(client, post, **fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(comment_url(post), data)
    comment = Comment.objects.filter(body=data["body"]).order_by("-pk").first()
    return response, comment
