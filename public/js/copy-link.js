// Copy buttons beside read-only addresses (a subscription's private feed): the button appears only with this
// script; without it the address is still selectable in its field.
(function () {
  'use strict';

  function start() {
    var buttons = document.querySelectorAll('button[data-copy]');
    for (var i = 0; i < buttons.length; i += 1) {
      var button = buttons[i];
      button.hidden = false;
      button.addEventListener('click', copy);
    }
  }

  function copy(event) {
    var button = event.currentTarget;
    var id = button.getAttribute('data-copy');
    var field = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!field) return;
    field.focus();
    field.select();
    var done = function () {
      if (status) status.textContent = button.getAttribute('data-copied') || '';
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (document.execCommand && document.execCommand('copy')) done();
      });
    } else if (document.execCommand && document.execCommand('copy')) {
      done();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
