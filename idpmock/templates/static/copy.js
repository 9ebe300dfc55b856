// Copy buttons: a button with data-copy="ID" copies the text of the
// element with that ID to the clipboard. The buttons stay hidden when
// JavaScript is off.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copy + "-status");
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent;
      var done = function (message) {
        if (status) {
          status.textContent = message;
        }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () { done("Copied."); },
          function () { selectAll(source); done("Selected: press Ctrl+C to copy."); });
      } else {
        selectAll(source);
        done("Selected: press Ctrl+C to copy.");
      }
    });
  });

  function selectAll(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
});
