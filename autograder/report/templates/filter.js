// The search box over students: rows of every table.students whose text does not contain what is
// typed are hidden (ID or name, Korean or not); the count of rows shown is kept beside the box.
(function () {
  var box = document.getElementById("student-filter");
  if (!box) return;
  var count = document.getElementById("student-filter-count");
  box.addEventListener("input", function () {
    var needle = box.value.trim().toLowerCase().normalize("NFC");
    var shown = 0;
    document.querySelectorAll("table.students tbody tr").forEach(function (row) {
      var match = !needle || row.textContent.toLowerCase().normalize("NFC").indexOf(needle) !== -1;
      row.hidden = !match;
      if (match && row.closest("table").id === "class-table") shown += 1;
    });
    count.textContent = needle ? shown + " / " + document.querySelectorAll("#class-table tbody tr").length : "";
  });
})();
