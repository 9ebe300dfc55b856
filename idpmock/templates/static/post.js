// Submits the HTTP-POST binding form as soon as the page is read, as an
// identity provider's page does. Without JavaScript the Continue button
// does the same.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("saml-post");
  if (form) {
    form.submit();
  }
});
