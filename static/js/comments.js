// Progressive enhancement for the discussion. Everything here also works without JavaScript:
// "Reply" leads to the form at #respond with ?replyto=<id>, threads fold with <details>.
(function () {
  "use strict";

  // A comment reached by its address is shown even inside a folded thread.
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains("comment")) return;
    var opened = false;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    if (opened) target.scrollIntoView({ block: "start" });
    showParentToo(target);
  }

  // A reply reached by its address: show the comment it answers above it, whole when both fit
  // on the screen (without JavaScript, the stylesheet's scroll margin shows the parent's end).
  function showParentToo(target) {
    var parent = target.parentElement && target.parentElement.closest("li.comment");
    var parentCard = parent && parent.querySelector(":scope > .comment-card");
    var card = target.querySelector(":scope > .comment-card");
    if (!parentCard || !card) return;
    var margin = 16;
    var top = parentCard.getBoundingClientRect().top + window.scrollY - margin;
    var bottom = card.getBoundingClientRect().bottom + window.scrollY + margin;
    if (bottom - top <= window.innerHeight) window.scrollTo(0, top);
  }
  window.addEventListener("hashchange", revealTarget);
  revealTarget();
  // The browser scrolls to the address's comment itself while the page loads: adjust after.
  window.addEventListener("load", function () {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.classList.contains("comment")) showParentToo(target);
  });

  // A code block or a post's table wider than its column scrolls sideways: it takes keyboard
  // focus, so that the arrow keys scroll it too; one that fits stays out of the tab order.
  // Checked again when the window's width changes.
  function focusableScrollers() {
    var wide = document.querySelectorAll(".post-body pre, .post-body table, .comment-body pre");
    wide.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
      else box.removeAttribute("tabindex");
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  // Dates less than a day old read "3 hours ago" (when written, and when edited). Done here,
  // from each <time datetime>, so a cached page never shows a stale relative time; the exact
  // time stays in the title.
  function relativeDates() {
    if (!window.Intl || !Intl.RelativeTimeFormat) return;
    var words = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: "auto" });
    var now = Date.now();
    var times = ".comment-permalink time[datetime], .comment-edited time[datetime]";
    document.querySelectorAll(times).forEach(function (time) {
      var seconds = Math.round((Date.parse(time.getAttribute("datetime")) - now) / 1000);
      if (isNaN(seconds) || seconds < -86400 || seconds > 60) return;
      var minutes = Math.round(seconds / 60);
      time.textContent = seconds > -60
        ? words.format(0, "second")  // "now"
        : Math.abs(minutes) < 60
          ? words.format(minutes, "minute")
          : words.format(Math.round(minutes / 60), "hour");
    });
  }
  relativeDates();

  // A deadline (the edit window's end) is written in the site's time zone with its name
  // ("18:28 UTC"); shown here in the reader's own clock instead.
  function localTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    // A 24-hour clock in every language, as the site prints its own times ("at 20:58").
    var clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    document.querySelectorAll("time[data-local-time][datetime]").forEach(function (time) {
      var when = Date.parse(time.getAttribute("datetime"));
      if (!isNaN(when)) time.textContent = clock.format(when);
    });
  }
  localTimes();

  // Preview: the form's text rendered by the server, shown above the form without reloading.
  // Without JavaScript the Preview button posts the form and the page comes back with it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=preview]");
    var previewForm = button && button.form;
    if (!previewForm || !previewForm.dataset.previewUrl || !window.fetch) return;
    var box = previewForm.parentNode.querySelector(".comment-preview");
    if (!box) return;
    event.preventDefault();
    fetch(previewForm.dataset.previewUrl, {
      method: "POST",
      body: new FormData(previewForm),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      // 429: too many previews; the fragment says how long to wait.
      if (!response.ok && response.status !== 429) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      box.querySelector(".comment-preview-body").innerHTML = html;
      box.hidden = false;
      // The box sits above the form: on a phone the Preview button is a screen or more
      // below it, and a preview out of sight looks like a button that did nothing.
      var top = box.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight) box.scrollIntoView({ block: "start" });
      // Focus follows: left on the Preview button, now out of sight, a keyboard user's focus
      // could not be seen. Screen readers say the preview, and Tab goes on into the form.
      box.focus({ preventScroll: true });
    }).catch(function () {
      previewForm.requestSubmit(button);  // the no-JavaScript way, should fetch fail
    });
  });

  // What was typed in a comment form is kept in this tab (sessionStorage, one draft per post)
  // until its comment is stored: switching the language on a page that came back with an
  // error, a page left by mistake or a form sent while offline costs no words. Sending marks
  // the draft; the page a stored comment leads to (#comment-<id>, on the post or on its
  // thread's page, which has no form) drops it; a page that came back with an error keeps it.
  var DRAFT_PREFIX = "comment-draft:";
  var SENT_RECENTLY = 10 * 60 * 1000;
  var storage = null;
  try { storage = window.sessionStorage; } catch (error) { /* refused: no drafts kept */ }
  function readDraft(key) {
    try { return JSON.parse(storage.getItem(key)); } catch (error) { return null; }
  }
  var formErrors = document.querySelector("form.comment-form .field--error, form.comment-form .form-errors");
  var landedOnComment = /^#comment-\d+$/.test(location.hash) && document.querySelector(location.hash);
  if (storage && landedOnComment && !formErrors) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf(DRAFT_PREFIX) !== 0) return;
      var sent = readDraft(key);
      if (sent && sent.sentAt && Date.now() - sent.sentAt < SENT_RECENTLY) storage.removeItem(key);
    });
  }

  var respond = document.getElementById("respond");
  var form = respond && respond.querySelector("form.comment-form");
  if (!form) return;
  var parentInput = form.querySelector("input[name=parent]");
  var title = document.getElementById("respond-title");
  var serverNote = respond.querySelector(".replying-to");
  var home = document.createComment("respond-home");
  respond.parentNode.insertBefore(home, respond);
  // The title's nodes, put back as they were (a name in it stays in its <bdi>).
  var original = { parent: parentInput.value, title: Array.prototype.slice.call(title.childNodes) };
  // The page's language: the form carries the translated words this script writes.
  var words = form.dataset;
  var opener = null;
  var cancelButton = null;

  // Where typing goes on: a field to fix, else the first required field still empty (the
  // comment's text when the name is remembered), else the comment's text.
  function firstField() {
    var empty = Array.prototype.filter.call(form.querySelectorAll("[required]"), function (field) {
      return !field.value.trim();
    });
    return form.querySelector(".field--error input, .field--error textarea") || empty[0] ||
      form.querySelector("textarea") || form.querySelector("input:not([type=hidden])");
  }

  // Focus ``field``, scrolled into view whole when it is not (a phone's screen may show only
  // the top edge of the comment box below the fields it skipped).
  function focusInView(field) {
    field.focus({ preventScroll: true });
    var box = field.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) field.scrollIntoView({ block: "center" });
  }

  // "Reply to <name>", the name in <bdi> as the server writes it: an Arabic or Hebrew name
  // keeps its own order without pulling the title's words into it.
  function showReplyTitle(item) {
    var author = item.querySelector(":scope > .comment-card .comment-author:not(.comment-author--unknown)");
    var name = author && author.textContent.trim();
    if (!name) { title.textContent = words.titleReplyUnknown; return; }
    var around = words.titleReply.split("__AUTHOR__");
    var isolated = document.createElement("bdi");
    isolated.textContent = name;
    title.replaceChildren(around[0], isolated, around.slice(1).join(""));
  }

  // Open the form right under the comment ``item``.
  function openUnder(item, link) {
    parentInput.value = item.id.replace("comment-", "");
    item.querySelector(":scope > .comment-card").after(respond);
    showReplyTitle(item);
    if (serverNote) serverNote.hidden = true;
    if (!cancelButton) {
      cancelButton = document.createElement("button");
      cancelButton.type = "button";
      cancelButton.className = "button button--secondary js-cancel-reply";
      cancelButton.textContent = words.cancel;
      cancelButton.addEventListener("click", close);
      form.querySelector(".form-actions").appendChild(cancelButton);
    }
    opener = link || item.querySelector(":scope > .comment-card .comment-reply-link");
  }

  // Put the form back where it was, and focus back on the Reply link that opened it (unless
  // ``keepFocus``: the reader is going elsewhere).
  function close(keepFocus) {
    parentInput.value = original.parent;
    title.replaceChildren.apply(title, original.title);
    if (serverNote) serverNote.hidden = false;
    home.parentNode.insertBefore(respond, home.nextSibling);
    if (cancelButton) { cancelButton.remove(); cancelButton = null; }
    if (opener && keepFocus !== true) opener.focus();
    opener = null;
  }

  // The form as a new comment, in its own place, whatever it was replying to; what was typed
  // stays in it.
  function leaveNewComment() {
    original.parent = "";
    original.title = [words.titleNew];
    if (serverNote) { serverNote.remove(); serverNote = null; }
    close(true);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-reply-link");
    if (!link) return;
    var item = document.getElementById("comment-" + link.dataset.replyTo);
    if (!item) return;
    event.preventDefault();
    openUnder(item, link);
    focusInView(firstField());
  });

  // "Leave a comment" beside the discussion's title asks for a new comment, never a reply: the
  // form goes back to its place, shown, with the cursor where typing goes on. The address
  // gets #respond as the link gives it (following the link itself would leave the focus
  // nowhere).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.discussion-jump");
    if (!link) return;
    event.preventDefault();
    leaveNewComment();
    if (location.hash !== link.hash) history.pushState(null, "", link.hash);
    respond.scrollIntoView({ block: "start" });
    firstField().focus({ preventScroll: true });
  });

  respond.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && cancelButton) {
      event.preventDefault();
      close();
    }
  });

  // A form sent back with errors, or opened with ?replyto=, reopens under its comment.
  var hasErrors = form.querySelector(".field--error, .form-errors");
  var asked = hasErrors || /[?&]replyto=/.test(location.search);
  var replyTarget = parentInput.value && document.getElementById("comment-" + parentInput.value);
  if (asked && replyTarget) {
    if (serverNote) { serverNote.remove(); serverNote = null; }
    original.parent = "";
    original.title = [words.titleNew];
    openUnder(replyTarget, null);
  }
  if (asked) {
    firstField().focus({ preventScroll: true });
    respond.scrollIntoView({ block: "start" });
  }

  // The draft of this post's form (see above): only empty fields are filled from it, so what
  // the server put back (an error page, a remembered name) wins; a reply's draft reopens
  // under its comment when that is on the page, and waits otherwise.
  if (!storage) return;
  var DRAFTED = ["name", "email", "url", "body"];
  var draftKey = DRAFT_PREFIX + new URL(form.action).pathname;
  function keepDraft(sentAt) {
    var draft = { parent: parentInput.value, sentAt: sentAt, fields: {} };
    DRAFTED.forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) draft.fields[name] = field.value;
    });
    try {
      if (draft.fields.body) storage.setItem(draftKey, JSON.stringify(draft));
      else storage.removeItem(draftKey);
    } catch (error) { /* storage full: the form works as before */ }
  }
  var draft = readDraft(draftKey);
  if (hasErrors) {
    keepDraft(null);  // not stored: kept until it is
  } else if (draft && draft.fields && !form.elements.body.value) {
    var under = draft.parent && document.getElementById("comment-" + draft.parent);
    if (!draft.parent || under) {
      if (under) openUnder(under, null);
      DRAFTED.forEach(function (name) {
        var field = form.elements[name];
        if (field && !field.value && draft.fields[name]) field.value = draft.fields[name];
      });
    }
  }
  form.addEventListener("input", function () { keepDraft(null); });
  form.addEventListener("submit", function (event) {
    if (!(event.submitter && event.submitter.name === "preview")) keepDraft(Date.now());
  });
})();
