// Several files at once for forms marked data-upload: a drop zone, one XMLHttpRequest per file with a
// progress bar, then the document's text-processing state until search finds it. Without this script
// (or without XHR/FormData/fetch) the form is posted as a normal one-file form and answers with a page.
(function () {
  'use strict';

  var POLL_MS = 1000;
  var POLL_FOR_MS = 30 * 60 * 1000;

  if (!window.FormData || !window.XMLHttpRequest || !window.fetch || !window.JSON) return;
  var source = document.getElementById('upload-messages');
  if (!source) return;
  var messages;
  try {
    messages = JSON.parse(source.textContent || '{}');
  } catch (e) {
    return;
  }
  var numbers = new Intl.NumberFormat(messages.locale === 'fa' ? 'fa-IR' : 'en', { maximumFractionDigits: 0 });

  function say(key, params) {
    var text = (messages.queue && messages.queue[key]) || key;
    return fill(text, params);
  }

  function errorText(code) {
    var errors = messages.errors || {};
    return errors[code] || errors.internal || code;
  }

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!params || params[name] === undefined) return whole;
      return typeof params[name] === 'number' ? numbers.format(params[name]) : String(params[name]);
    });
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  }

  function enhance(form) {
    var input = form.querySelector('input[type=file]');
    var zone = form.querySelector('[data-dropzone]');
    var queue = form.querySelector('[data-upload-queue]');
    var list = queue && queue.querySelector('.upload-list');
    var summary = queue && queue.querySelector('.upload-summary');
    var problem = form.querySelector('.upload-error');
    var button = form.querySelector('button[type=submit]');
    if (!input || !zone || !queue || !list || !summary || !problem || !button) return;

    var maxBytes = Number(form.getAttribute('data-max-bytes')) || 0;
    var extensions = (form.getAttribute('data-extensions') || '').split(',').filter(Boolean);
    var busy = false;

    input.multiple = true;
    var hints = form.querySelectorAll('[data-js-hint]');
    for (var i = 0; i < hints.length; i += 1) hints[i].hidden = false;
    list.setAttribute('aria-live', 'polite');

    zone.addEventListener('dragenter', onDragOver);
    zone.addEventListener('dragover', onDragOver);
    zone.addEventListener('dragleave', function (event) {
      if (!zone.contains(event.relatedTarget)) zone.classList.remove('dragging');
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      zone.classList.remove('dragging');
      if (busy || !event.dataTransfer || !event.dataTransfer.files.length) return;
      try {
        input.files = event.dataTransfer.files;
      } catch (e) {
        return;
      }
      input.dispatchEvent(new Event('change', { bubbles: true }));
      input.focus();
    });

    function onDragOver(event) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = busy ? 'none' : 'copy';
      zone.classList.add('dragging');
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      var files = Array.prototype.slice.call(input.files || []);
      problem.hidden = true;
      problem.textContent = '';
      if (files.length === 0) {
        showProblem([say('chooseFirst')]);
        input.focus();
        return;
      }
      var metadata = new FormData(form);
      metadata.delete('file');
      var items = files.map(function (file) {
        return makeItem(file);
      });
      queue.hidden = false;
      summary.textContent = '';
      busy = true;
      button.disabled = true;
      sendAll(items, metadata);
    });

    function makeItem(file) {
      var li = document.createElement('li');
      li.className = 'upload-item';
      li.setAttribute('data-file-name', file.name);
      var name = document.createElement('span');
      name.className = 'upload-name';
      name.setAttribute('dir', 'auto');
      name.textContent = file.name;
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', say('progressLabel', { name: file.name }));
      var state = document.createElement('span');
      state.className = 'upload-state';
      var link = document.createElement('a');
      link.className = 'upload-link';
      link.hidden = true;
      link.textContent = say('openDocument');
      li.appendChild(name);
      li.appendChild(bar);
      li.appendChild(state);
      li.appendChild(link);
      list.appendChild(li);
      var item = { file: file, li: li, bar: bar, state: state, link: link, announced: -1 };
      setState(item, 'waiting', say('waiting'));
      return item;
    }

    function check(file) {
      if (extensions.length && extensions.indexOf(extensionOf(file.name)) < 0) return errorText('unsupported_type');
      if (maxBytes && file.size > maxBytes) return errorText('too_large');
      return null;
    }

    function sendAll(items, metadata) {
      var sent = 0;
      var index = 0;
      next();

      function next() {
        if (index >= items.length) return finish();
        var item = items[index];
        index += 1;
        var refusal = check(item.file);
        if (refusal) {
          setState(item, 'refused', refusal);
          return next();
        }
        send(item, metadata, function (outcome) {
          if (outcome === 'sent') sent += 1;
          if (outcome === 'stop') {
            for (; index < items.length; index += 1) setState(items[index], 'refused', say('notSent'));
            return finish();
          }
          next();
        });
      }

      function finish() {
        busy = false;
        button.disabled = false;
        input.value = '';
        summary.textContent = say('summaryDone', { done: sent, total: items.length });
      }
    }

    function send(item, metadata, done) {
      var body = new FormData();
      metadata.forEach(function (value, key) {
        body.append(key, value);
      });
      body.append('file', item.file, item.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      setState(item, 'uploading', say('uploading', { percent: 0 }));
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.floor((event.loaded * 100) / event.total);
        item.bar.value = percent;
        // The list is a live region: say the percentage in quarters, not on every event.
        var quarter = Math.floor(percent / 25);
        if (quarter !== item.announced) {
          item.announced = quarter;
          setState(item, 'uploading', say('uploading', { percent: quarter * 25 }));
        }
      };
      xhr.onload = function () {
        var answer = parse(xhr.responseText);
        if (xhr.status === 201 && answer && answer.id) {
          item.bar.value = 100;
          setState(item, 'uploaded', say('uploaded'));
          item.link.href = answer.url;
          watch(item, answer.id);
          return done('sent');
        }
        var error = (answer && answer.error) || {};
        var code = error.code || (xhr.status === 413 ? 'too_large' : xhr.status === 415 ? 'unsupported_type' : 'internal');
        item.bar.value = 0;
        setState(item, 'refused', errorText(code));
        if (code === 'validation_failed' || code === 'csrf' || code === 'forbidden' || code === 'unauthenticated') {
          showProblem(error.messages && error.messages.length ? error.messages : [errorText(code)]);
          return done('stop');
        }
        done('refused');
      };
      xhr.onerror = function () {
        item.bar.value = 0;
        setState(item, 'refused', say('network'));
        done('refused');
      };
      xhr.onabort = function () {
        setState(item, 'refused', errorText('upload_interrupted'));
        done('refused');
      };
      xhr.send(body);
    }

    function showProblem(lines) {
      problem.textContent = lines.join(' ');
      problem.hidden = false;
    }
  }

  // The document's text processing: queued → running → done (searchable) or failed.
  function watch(item, id) {
    var until = Date.now() + POLL_FOR_MS;
    var misses = 0;
    poll();

    function poll() {
      fetch('/documents/' + encodeURIComponent(id) + '/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) {
          if (!response.ok) throw new Error('status ' + response.status);
          return response.json();
        })
        .then(function (status) {
          misses = 0;
          if (status.searchable) {
            setState(item, 'searchable', say('searchable'));
            item.link.hidden = false;
            return;
          }
          if (status.state === 'failed') {
            setState(item, 'failed', say('failed') + (status.reason ? ' (' + status.reason + ')' : ''));
            item.link.hidden = false;
            return;
          }
          var state = status.state === 'running' ? 'running' : 'queued';
          if (item.state.getAttribute('data-upload-state') !== state) setState(item, state, say(state));
          later();
        })
        .catch(function () {
          misses += 1;
          if (misses < 5) later();
          else item.link.hidden = false;
        });
    }

    function later() {
      if (Date.now() < until) window.setTimeout(poll, POLL_MS);
      else item.link.hidden = false;
    }
  }

  function setState(item, state, text) {
    item.state.setAttribute('data-upload-state', state);
    item.state.textContent = text;
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function start() {
    var forms = document.querySelectorAll('form[data-upload]');
    for (var i = 0; i < forms.length; i += 1) enhance(forms[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
