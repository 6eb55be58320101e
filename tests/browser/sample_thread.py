"""The sample archive's discussion (../shared/samples/text-archive/isis-caliphate-crumbling.txt):
17 comments nested up to 5 levels (4 of them without an author line) and one pingback.

Imported with the real ``import_archive`` command when the shared samples sit beside the
repository; otherwise rebuilt, with shortened texts, through the real write path."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management import call_command

from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment, make_post

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "../shared/samples/text-archive/isis-caliphate-crumbling.txt"
).resolve()

APRIL_27 = datetime(2017, 4, 27, 9, 0, tzinfo=UTC)
APRIL_28 = datetime(2017, 4, 28, 9, 0, tzinfo=UTC)

# (key, parent key, author, date, text)
# fmt: off
SAMPLE_COMMENTS = [
    ("gezza1", None, "Gezza", APRIL_27,
     "The actual Islamic State is being eliminated, but the core Islamic extremist "
     "intelligentsia won’t go away imo – they’ll probably reach an accommodation with "
     "Al Qaeda & both will continue to feed insurgencies & terrorist attacks in the "
     "Middle East, Africa, Asia & Europe."),
    ("corky", "gezza1", "Corky", APRIL_27,
     "Translation: we are stuffed. I see we may implement security measures that could"
     " cost us airline routes to the middle east."),
    ("brown", "corky", "Brown", APRIL_27,
     "Pete should sponsor them to live here because he knows not all Muslims are "
     "terrorist and he’s happy to take a chance because there’s more chance of "
     "accidentally getting your willy caught in a mouse trap than being killed by "
     "someone who deliberately goes out of their way."),
    ("maureen", "brown", "MaureenW", APRIL_27,
     "There’s a new expression that needs adding to my own collection 🙂"),
    ("alan", None, "Alan Wilkinson", APRIL_27,
     "As I said a long time ago, military defeat will be a big blow to their prestige "
     "and attractiveness. There will need to be a big cleanup in Europe of the dregs "
     "remaining and returning.\n\n"
     "There will be attempts to regroup in other hell-holes. Saudi Arabia will need "
     "continued pressure to reform and suppress their religious extremists."),
    ("money", None, "", APRIL_27,
     "Indeed it is a case of following the money and historical associations. Iran as "
     "the leader of the Shia states is a major funder of the anti-Sunni Muslim versus "
     "Muslim struggle for preeminence. We need to think of Saudi Arabia as being "
     "two-faced.\n\n"
     "Is there an end in sight? To Daesh/ ISIS/ the Caliphate, the military forces are"
     " defeated and the mopping up stages continue."),
    ("gezza2", "money", "Gezza", APRIL_27,
     "Speaking of their long term game plan … if they even have one, which seems "
     "unlikely:\n\n"
     "Today’s Al Jazeera: Inside Story discussion — Is Afghanistan new battlefield for"
     " traditional rivals?"),
    ("texan", "gezza2", "", APRIL_27,
     "Just a comment about the fact of the Texan oil and gas industry making "
     "significant inroads into the Saudi oil wealth which is changing the face of the "
     "global industry."),
    ("blazer1", None, "Blazer", APRIL_27,
     "the U.S have an inexhaustible supply of ‘pop up’…bad guys."),
    ("name_them", "blazer1", "", APRIL_27,
     "Name them"),
    ("blazer2", "name_them", "Blazer", APRIL_27,
     "the War on Terror…pick your terrorist……the axis of evil, whose turn to be "
     "demonised, -folks that are jealous of our …freedom and democracy…that enough "
     "for…starters?"),
    ("kim", "blazer2", "", APRIL_27,
     "Kim Jong Un has pop up bad guys. Everybody has them. Viewed from middle ground "
     "many are strawmen, but that’s the way the world goes round."),
    ("blazer3", "kim", "Blazer", APRIL_28,
     "I have a reserve of hyperbolic expressions, but to my dismay appear to have run "
     "out of… hominem…epithets!"),
    ("kitty", None, "Kitty Catkin", APRIL_27,
     "I could see the deserters learning a hard lesson and becoming modest, quiet "
     "citizens who don’t draw attention to themselves. I don’t envy these deserters."),
    ("gezza3", "kitty", "Gezza", APRIL_27,
     "One of the interesting comments that Sergey makes in that 30 minute Inside Story"
     " discussion clip I posted above is that many members of the Taliban are now "
     "joining ISIS."),
    ("gezza4", "gezza3", "Gezza", APRIL_28,
     "Aljaz tv. Police have confirmed the man arrested *was known to security "
     "services*."),
    ("gezza5", "gezza4", "Gezza", APRIL_28,
     "(the above was a cock up – went in the wrong thread: don’t tell anyone)"),
]
# fmt: on


def sample_thread():
    """The sample post with its discussion; returns (post, {key: comment})."""
    if not SAMPLE.exists():
        return build_sample_thread()
    call_command("import_archive", str(SAMPLE), verbosity=0)
    post = Post.objects.get(title="ISIS ‘caliphate’ crumbling?")
    imported = list(post.comments.comments().order_by("tree_id", "lft"))
    comments = {}
    for (key, _, author, _, _), comment in zip(SAMPLE_COMMENTS, imported, strict=True):
        assert comment.author_name == author, (key, comment.author_name)
        comments[key] = comment
    comments["pingback"] = post.comments.get(kind=Comment.Kind.PINGBACK)
    return post, comments


def build_sample_thread():
    """The sample's discussion rebuilt with the factories; returns (post, {key: comment})."""
    post = make_post(
        title="ISIS ‘caliphate’ crumbling?",
        slug="isis-caliphate-crumbling",
        author_name="Pete George",
        published_at=datetime(2017, 4, 27, 8, 0, tzinfo=UTC),
        body=(
            "<p>The Guardian reports that as military pressure continues against ISIS in Syria "
            "foreign fighters are trying to get out of the caliphate.</p>"
            "<blockquote><p>Large numbers of foreign fighters and sympathisers are abandoning "
            "Islamic State and trying to enter Turkey.</p></blockquote>"
            "<p>So good news perhaps for Syria, but potentially bad news for Europe and "
            "elsewhere.</p>"
        ),
    )
    comments = {}
    for key, parent, author, date, text in SAMPLE_COMMENTS:
        comments[key] = make_comment(
            post, parent=comments.get(parent), author_name=author, created_at=date, body=text
        )
    comments["pingback"] = make_comment(
        post,
        kind="pingback",
        author_name="ISIS ‘caliphate’ crumbling? – NZ Conservative Coalition",
        author_url="https://nzconservativecoalition.example/isis-caliphate-crumbling/",
        body="ISIS ‘caliphate’ crumbling?",
        created_at=APRIL_28,
    )
    return post, comments
