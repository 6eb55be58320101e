// Old comment links: a post imported from another site keeps the anchors its comments had
// there (#comment-<old id>). The server never sees an anchor, so this script asks it where
// that comment lives now and goes to its permalink. Without JavaScript the post opens at its
// top. Loaded only on imported posts; does nothing unless the address names a comment.
(function () {
  "use strict";
  var post = document.querySelector("[data-old-comment-url]");
  var match = /^#comment-([A-Za-z0-9_.-]{1,100})$/.exec(location.hash);
  // Arriving from an old address (the server's 301 adds ?via=old-link), the anchor is an old
  // id even when a comment of this site happens to have the same number.
  var fromOldLink = /(^|[?&])via=old-link(&|$)/.test(location.search);
  // The marker is for this script only: the address bar (a bookmark, a link shared) keeps
  // the post's own address.
  function tidyAddress() {
    if (fromOldLink) history.replaceState(null, "", location.pathname + location.hash);
  }
  if (!post || !match) { tidyAddress(); return; }
  if (!fromOldLink && document.getElementById("comment-" + match[1])) return;

  function stayHere() {
    if (!fromOldLink) return;
    tidyAddress();
    var target = document.getElementById("comment-" + match[1]);
    if (target) target.scrollIntoView({ block: "start" });
  }

  var url = post.dataset.oldCommentUrl.replace("OLD_ID", encodeURIComponent(match[1]));
  fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (found) {
      if (found && found.permalink) location.replace(found.permalink);
      else stayHere();
    })
    .catch(stayHere);
})();
