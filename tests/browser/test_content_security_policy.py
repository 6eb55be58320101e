"""Chromium enforces our Content-Security-Policy and reports nothing blocked: the reply-in-place
script on the post page, and Django's admin with our moderation pages."""

import re

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment
from tests.browser.conftest import screenshot
from tests.factories import make_comment

pytestmark = pytest.mark.postgres

# Installed before any page script runs: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(desktop_page):
    """The page, and what it reported: securitypolicyviolation events and console errors."""
    page = desktop_page
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and console.append(f"{message.text} {message.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda error: console.append(str(error)))

    def problems():
        # The site has no favicon; the browser's own request for one is not the page's doing.
        errors = [text for text in console if not text.endswith("/favicon.ico")]
        return page.evaluate("window.__cspViolations || []") + errors

    return page, problems


def test_replying_in_place_runs_under_the_policy(watched, sample):
    page, problems = watched
    url, post, comments = sample
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    parent = comments["maureen"]
    page.locator(f"#comment-{parent.pk} .comment-reply-link").first.click()
    form = page.locator(f"#comment-{parent.pk} > #respond")
    assert form.is_visible()  # the script ran: the form moved under the comment
    page.fill("#id_name", "Under policy")
    page.fill("#id_body", "Sent from the form the script moved.")
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(re.escape(url) + r"#comment-\d+$"))
    assert Comment.objects.filter(author_name="Under policy", parent=parent).exists()
    assert problems() == []


def test_the_admin_works_under_the_policy(watched, site, sample):
    page, problems = watched
    _, post, comments = sample
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-1")
    held = make_comment(post, parent=comments["maureen"], author_name="Held", status="pending")

    page.goto(f"{site}/admin/login/?next=/admin/comments/comment/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/comments/comment/")

    # The changelist's action bar is Django's own script (actions.js): select, act.
    page.locator(f"input.action-select[value='{held.pk}']").check()
    assert page.locator(".action-counter").inner_text().startswith("1 of")
    page.select_option("select[name=action]", "approve_comments")
    page.locator("button[name=index]").click()
    page.wait_for_selector("ul.messagelist")
    held.refresh_from_db()
    assert held.status == "approved"

    page.goto(f"{site}/admin/comments/comment/{held.pk}/thread/")
    assert page.locator(f"#thread-comment-{held.pk}.focus").is_visible()
    # The thread view's stylesheet applies (a static file, not an inline <style>).
    indent = page.locator(f"#thread-comment-{held.pk}").evaluate(
        "e => getComputedStyle(e).marginLeft"
    )
    assert held.level == 4 and float(indent.removesuffix("px")) > 0
    screenshot(page, "csp-admin-thread-view")
    page.goto(f"{site}/admin/comments/comment/{held.pk}/change/")
    page.goto(f"{site}/admin/blogapp/post/{post.pk}/change/")
    assert problems() == []


def test_the_lockout_page_under_the_policy(watched, site, db):
    page, problems = watched
    for n in range(6):
        page.goto(f"{site}/admin/login/")
        page.fill("#id_username", "nobody")
        page.fill("#id_password", f"wrong-{n}")
        page.get_by_role("button", name="Log in").click()
        if page.locator("h1", has_text="Too many failed logins").count():
            break
    assert page.locator("h1").inner_text() == "Too many failed logins"
    screenshot(page, "admin-login-locked-out")
    # The browser logs the 429 itself as a failed resource; nothing else may be reported.
    assert [p for p in problems() if "429" not in p] == []
