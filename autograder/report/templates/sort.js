// Click a header of a table.sortable to sort by that column (numbers as numbers, "—" last).
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var text = row.cells[col] ? row.cells[col].textContent.trim() : "";
        var num = parseFloat(text.replace(/[%,]/g, ""));
        return { text: text, num: isNaN(num) ? null : num };
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), r;
        if (x.num !== null && y.num !== null) r = x.num - y.num;
        else if (x.num !== null) r = -1;
        else if (y.num !== null) r = 1;
        else r = x.text.localeCompare(y.text, "ko");
        return asc ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
