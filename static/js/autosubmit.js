// A filter that applies itself: a control marked data-autosubmit sends its form on change
// (the form keeps a button for browsers without JavaScript).
document.addEventListener("change", function (event) {
  var control = event.target.closest && event.target.closest("[data-autosubmit]");
  if (control && control.form) control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
});
