// The capture drop zone of the diagnose page: a file dropped on it fills
// the file field, as choosing it would. Nothing is read here: the form
// posts the file to the local server.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var zone = document.getElementById("drop");
  var input = document.getElementById("capture");
  var status = document.getElementById("capture-status");
  if (!zone || !input) {
    return;
  }
  var show = function () {
    if (status) {
      status.textContent = input.files.length ?
        "Selected: " + input.files[0].name : "";
    }
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () {
      zone.classList.remove("over");
    });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      show();
    }
  });
});
