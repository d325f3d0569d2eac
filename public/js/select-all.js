// Bulk forms (the review desk, "my documents"): a "select all" checkbox in the table's header in place of the
// link that, without this script, reloads the page with every row ticked; and how many rows are ticked.
(function () {
  'use strict';

  var numbers = window.Intl ? new Intl.NumberFormat(document.documentElement.lang === 'fa' ? 'fa-IR' : 'en') : null;

  function enhance(all) {
    var form = all.form;
    if (!form) return;
    var link = form.querySelector('[data-select-all-link]');
    var count = form.querySelector('[data-selected-count]');
    var template = count ? count.getAttribute('data-template') || '' : '';

    function rows() {
      return Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name=ids]'));
    }

    function update() {
      var list = rows();
      var ticked = list.filter(function (box) {
        return box.checked;
      }).length;
      all.checked = ticked > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
      if (count) {
        count.hidden = ticked === 0;
        count.textContent = template.replace('{count}', numbers ? numbers.format(ticked) : String(ticked));
      }
    }

    all.hidden = false;
    if (link) link.hidden = true;
    all.addEventListener('change', function () {
      rows().forEach(function (box) {
        box.checked = all.checked;
      });
      update();
    });
    form.addEventListener('change', function (event) {
      if (event.target !== all && event.target.name === 'ids') update();
    });
    update();
  }

  function start() {
    var boxes = document.querySelectorAll('input[type=checkbox][data-select-all]');
    for (var i = 0; i < boxes.length; i += 1) enhance(boxes[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
