// Progressive enhancement: "Reply" opens the comment form right under the comment.
// Without JavaScript the link leads to the same form at #respond, with ?replyto=<id>.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form");
  if (!form) return;
  var parentInput = form.querySelector("input[name=parent]");
  var home = document.createComment("respond-home");
  respond.parentNode.insertBefore(home, respond);

  function cancel() {
    parentInput.value = "";
    home.parentNode.insertBefore(respond, home.nextSibling);
    var cancelLink = respond.querySelector(".js-cancel-reply");
    if (cancelLink) cancelLink.remove();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-reply-link");
    if (!link) return;
    event.preventDefault();
    var item = document.getElementById("comment-" + link.dataset.replyTo);
    if (!item) return;
    parentInput.value = link.dataset.replyTo;
    item.querySelector(".comment-card").after(respond);
    if (!respond.querySelector(".js-cancel-reply")) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "js-cancel-reply button";
      button.textContent = "Cancel reply";
      button.addEventListener("click", cancel);
      form.appendChild(button);
    }
    var first = form.querySelector("textarea, input:not([type=hidden])");
    if (first) first.focus();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && respond.contains(document.activeElement) && parentInput.value) cancel();
  });
})();
