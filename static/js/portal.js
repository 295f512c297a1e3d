// Cổng dịch vụ công: small progressive enhancements (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers and phone users see it first.
    var summary = document.querySelector(".p-error-summary[data-focus]");
    if (summary) { summary.focus(); }
    // Show the chosen file's name and size beside a file input before it is sent.
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () {
        var out = document.getElementById(input.id + "-chon");
        var max = parseInt(input.getAttribute("data-max-bytes"), 10);
        if (!out || !input.files || !input.files.length) { return; }
        var f = input.files[0];
        var mb = (f.size / 1048576).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
        out.textContent = "Đã chọn: " + f.name + " (" + mb + " MB)" +
          (f.size > max ? " — tệp quá lớn, vui lòng chọn tệp nhỏ hơn." : "");
      });
    });
    // Disable a submit button once pressed so a slow phone network does not send twice.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  });
})();
