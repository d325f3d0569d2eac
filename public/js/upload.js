// Several files at once for forms marked data-upload: a drop zone and a list of the chosen files (each with its
// format and size, a remove button and, on the new-document form (data-titles), its own title filled in from its
// name); then one XMLHttpRequest per file with a progress bar, and the document's text-processing state until
// search finds it. After a multi-file upload the list offers "submit all for review" (a plain form posting the
// new documents' ids to the bulk route). Without this script (or without XHR/FormData/fetch) the form is posted
// as a normal one-file form with its single title field and answers with a page.
(function () {
  'use strict';

  var POLL_MS = 1000;
  var POLL_FOR_MS = 30 * 60 * 1000;
  var TITLE_MAX = 300;

  if (!window.FormData || !window.XMLHttpRequest || !window.fetch || !window.JSON) return;
  var source = document.getElementById('upload-messages');
  if (!source) return;
  var messages;
  try {
    messages = JSON.parse(source.textContent || '{}');
  } catch (e) {
    return;
  }
  var intlLocale = messages.locale === 'fa' ? 'fa-IR' : 'en';
  var numbers = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 });
  var sizes = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 });

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

  /** «گزارش_زلزله-۱۴۰۲.pdf» → «گزارش زلزله ۱۴۰۲»: the name without its extension, `_` and `-` read as spaces. */
  function titleFromName(name) {
    var dot = name.lastIndexOf('.');
    var base = dot > 0 ? name.slice(0, dot) : name;
    var title = base.replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
    return (title || name).slice(0, TITLE_MAX);
  }

  /** «PDF · ۲٫۳ مگابایت»: the format in words (by the name's extension) and the size, in the reader's language. */
  function describe(file) {
    var types = messages.fileTypes || {};
    var names = (messages.sizeUnits || 'B|KB|MB|GB').split('|');
    var value = file.size;
    var unit = 0;
    while (value >= 1024 && unit < names.length - 1) {
      value /= 1024;
      unit += 1;
    }
    var size = sizes.format(Number(value.toFixed(unit === 0 ? 0 : 1))) + ' ' + names[unit];
    // The format's name is isolated (FSI…PDI) so a Latin name does not pull the Persian size into its direction.
    return fill(messages.fileLabel || '{type} · {size}', { type: '\u2068' + (types[extensionOf(file.name)] || types.other || '') + '\u2069', size: size });
  }

  function enhance(form) {
    var input = form.querySelector('input[type=file]');
    var zone = form.querySelector('[data-dropzone]');
    var queue = form.querySelector('[data-upload-queue]');
    var list = queue && queue.querySelector('.upload-list');
    var summary = queue && queue.querySelector('.upload-summary');
    var problem = form.querySelector('.upload-error');
    var button = form.querySelector('[data-upload-button]') || form.querySelector('button[type=submit]:not([form])');
    if (!input || !zone || !queue || !list || !summary || !problem || !button) return;

    var maxBytes = Number(form.getAttribute('data-max-bytes')) || 0;
    var extensions = (form.getAttribute('data-extensions') || '').split(',').filter(Boolean);
    var titled = form.hasAttribute('data-titles');
    var submitAll = queue.querySelector('[data-submit-all]');
    var submitAllButton = submitAll && submitAll.querySelector('button[form]');
    var submitAllText = submitAll && submitAll.querySelector('[data-submit-all-text]');
    /** Every row of the list, in order; `phase`: ready → sending → sent, or refused (for good), or retry. */
    var items = [];
    /** Documents made on this page that "submit all" would send for review. */
    var madeIds = [];
    var busy = false;

    // The list is the file input's memory: choosing again adds files, and a file is taken out with its button.
    input.multiple = true;
    input.required = false;
    var hints = form.querySelectorAll('[data-js-hint]');
    for (var i = 0; i < hints.length; i += 1) hints[i].hidden = false;
    var singleTitle = titled ? form.querySelector('[data-single-title]') : null;
    var singleInput = singleTitle && singleTitle.querySelector('input[name=title]');
    if (singleTitle && singleInput) {
      singleTitle.hidden = true;
      singleInput.required = false;
      singleInput.disabled = true;
    }

    input.addEventListener('change', function () {
      if (busy) return;
      add(input.files);
      input.value = '';
    });

    zone.addEventListener('dragenter', onDragOver);
    zone.addEventListener('dragover', onDragOver);
    zone.addEventListener('dragleave', function (event) {
      if (!zone.contains(event.relatedTarget)) zone.classList.remove('dragging');
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      zone.classList.remove('dragging');
      if (busy || !event.dataTransfer || !event.dataTransfer.files.length) return;
      add(event.dataTransfer.files);
      input.focus();
    });

    function onDragOver(event) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = busy ? 'none' : 'copy';
      zone.classList.add('dragging');
    }

    function add(files) {
      var chosen = Array.prototype.slice.call(files || []);
      if (chosen.length === 0) return;
      problem.hidden = true;
      chosen.forEach(function (file, index) {
        // A title typed in the single field before the script ran goes to the first file.
        var typed = index === 0 && items.length === 0 && singleInput ? singleInput.value.trim() : '';
        items.push(makeItem(file, typed));
      });
      queue.hidden = false;
      summary.textContent = '';
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      problem.hidden = true;
      problem.textContent = '';
      if (items.length === 0) {
        showProblem([say('chooseFirst')]);
        input.focus();
        return;
      }
      var pending = items.filter(function (item) {
        return item.phase === 'ready' || item.phase === 'retry';
      });
      if (pending.length === 0) {
        showProblem([say('nothingToSend')]);
        input.focus();
        return;
      }
      if (titled) {
        var untitled = pending.filter(function (item) {
          var empty = !item.title.value.trim();
          markTitle(item, empty);
          return empty;
        });
        if (untitled.length > 0) {
          showProblem([say('titleMissing')]);
          untitled[0].title.focus();
          return;
        }
      }
      var metadata = new FormData(form);
      metadata.delete('file');
      metadata.delete('title');
      summary.textContent = '';
      busy = true;
      button.disabled = true;
      sendAll(pending, metadata);
    });

    function makeItem(file, typedTitle) {
      var li = element('li', 'upload-item');
      li.setAttribute('data-file-name', file.name);
      var head = element('div', 'upload-head');
      var name = element('span', 'upload-name');
      name.setAttribute('dir', 'auto');
      name.textContent = file.name;
      var format = element('span', 'upload-format');
      format.textContent = describe(file);
      var remove = element('button', 'upload-remove secondary');
      remove.type = 'button';
      remove.textContent = say('remove');
      remove.setAttribute('aria-label', say('removeLabel', { name: file.name }));
      head.appendChild(name);
      head.appendChild(format);
      head.appendChild(remove);
      li.appendChild(head);
      var item = { file: file, li: li, phase: 'ready', announced: -1, remove: remove, title: null, titleError: null };
      if (titled) {
        var label = element('label', 'upload-title');
        var text = element('span');
        text.textContent = say('titleLabel');
        var hidden = element('span', 'visually-hidden');
        hidden.textContent = ' (' + file.name + ')';
        var title = element('input');
        title.type = 'text';
        title.maxLength = TITLE_MAX;
        title.setAttribute('dir', 'auto');
        title.setAttribute('data-upload-title', '');
        title.value = typedTitle || titleFromName(file.name);
        title.addEventListener('input', function () {
          if (title.value.trim()) markTitle(item, false);
        });
        label.appendChild(text);
        label.appendChild(hidden);
        label.appendChild(title);
        li.appendChild(label);
        var titleError = element('p', 'field-error');
        titleError.id = 'upload-title-error-' + Math.random().toString(36).slice(2);
        titleError.hidden = true;
        li.appendChild(titleError);
        item.title = title;
        item.titleError = titleError;
      }
      var bar = element('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', say('progressLabel', { name: file.name }));
      var state = element('span', 'upload-state');
      state.setAttribute('aria-live', 'polite');
      var link = element('a', 'upload-link');
      link.hidden = true;
      link.textContent = say('openDocument');
      var duplicates = element('div', 'upload-duplicates note-box');
      duplicates.hidden = true;
      li.appendChild(bar);
      li.appendChild(state);
      li.appendChild(duplicates);
      li.appendChild(link);
      list.appendChild(li);
      item.bar = bar;
      item.state = state;
      item.link = link;
      item.duplicates = duplicates;
      remove.addEventListener('click', function () {
        if (busy || item.phase === 'sent' || item.phase === 'sending') return;
        var at = items.indexOf(item);
        items.splice(at, 1);
        li.parentNode.removeChild(li);
        var next = items[at] || items[at - 1];
        if (next && !next.remove.hidden) next.remove.focus();
        else input.focus();
        if (items.length === 0 && madeIds.length === 0) queue.hidden = true;
      });
      var refusal = check(file);
      if (refusal) {
        setPhase(item, 'refused');
        if (item.title) item.title.parentNode.hidden = true;
        setState(item, 'refused', refusal);
      } else {
        setPhase(item, 'ready');
        setState(item, 'waiting', say('waiting'));
      }
      return item;
    }

    function markTitle(item, missing) {
      if (!item.title) return;
      item.titleError.hidden = !missing;
      item.titleError.textContent = missing ? say('titleMissing') : '';
      if (missing) {
        item.title.setAttribute('aria-invalid', 'true');
        item.title.setAttribute('aria-describedby', item.titleError.id);
      } else {
        item.title.removeAttribute('aria-invalid');
        item.title.removeAttribute('aria-describedby');
      }
    }

    function check(file) {
      if (extensions.length && extensions.indexOf(extensionOf(file.name)) < 0) return errorText('unsupported_type');
      if (maxBytes && file.size > maxBytes) return errorText('too_large');
      return null;
    }

    function sendAll(pending, metadata) {
      var sent = 0;
      var index = 0;
      next();

      function next() {
        if (index >= pending.length) return finish();
        var item = pending[index];
        index += 1;
        send(item, metadata, function (outcome) {
          if (outcome === 'sent') sent += 1;
          if (outcome === 'stop') {
            for (; index < pending.length; index += 1) setState(pending[index], 'waiting', say('notSent'));
            return finish();
          }
          next();
        });
      }

      function finish() {
        busy = false;
        button.disabled = false;
        summary.textContent = say('summaryDone', { done: sent, total: pending.length });
        offerSubmitAll();
      }
    }

    function send(item, metadata, done) {
      var body = new FormData();
      metadata.forEach(function (value, key) {
        body.append(key, value);
      });
      if (item.title) body.append('title', item.title.value.trim());
      body.append('file', item.file, item.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      setPhase(item, 'sending');
      if (item.title) item.title.readOnly = true;
      setState(item, 'uploading', say('uploading', { percent: 0 }));
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.floor((event.loaded * 100) / event.total);
        item.bar.value = percent;
        // Each state is a live region: say the percentage in quarters, not on every event.
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
          setPhase(item, 'sent');
          setState(item, 'uploaded', say('uploaded'));
          item.link.href = answer.url;
          item.link.hidden = false;
          showDuplicates(item, answer.duplicates);
          if (titled) madeIds.push(answer.id);
          watch(item, answer.id);
          return done('sent');
        }
        var error = (answer && answer.error) || {};
        var code = error.code || (xhr.status === 413 ? 'too_large' : xhr.status === 415 ? 'unsupported_type' : 'internal');
        item.bar.value = 0;
        if (item.title) item.title.readOnly = false;
        if (code === 'validation_failed' || code === 'csrf' || code === 'forbidden' || code === 'unauthenticated') {
          setPhase(item, 'ready');
          setState(item, 'waiting', say('notSent'));
          showProblem(error.messages && error.messages.length ? error.messages : [errorText(code)]);
          return done('stop');
        }
        var permanent = code === 'too_large' || code === 'unsupported_type' || code === 'missing_file';
        setPhase(item, permanent ? 'refused' : 'retry');
        setState(item, 'refused', errorText(code));
        done('refused');
      };
      xhr.onerror = function () {
        item.bar.value = 0;
        if (item.title) item.title.readOnly = false;
        setPhase(item, 'retry');
        setState(item, 'refused', say('network'));
        done('refused');
      };
      xhr.onabort = function () {
        if (item.title) item.title.readOnly = false;
        setPhase(item, 'retry');
        setState(item, 'refused', errorText('upload_interrupted'));
        done('refused');
      };
      xhr.send(body);
    }

    /** The documents with the same bytes that the uploader can already see, as links beside the file. */
    function showDuplicates(item, duplicates) {
      if (!duplicates || !duplicates.length) return;
      var text = element('p');
      text.textContent = say('duplicates');
      var links = element('ul');
      duplicates.forEach(function (duplicate) {
        var entry = element('li');
        var link = element('a');
        link.href = duplicate.url || '/documents/' + encodeURIComponent(duplicate.id);
        link.setAttribute('dir', 'auto');
        link.textContent = duplicate.title || duplicate.id;
        entry.appendChild(link);
        links.appendChild(entry);
      });
      item.duplicates.appendChild(text);
      item.duplicates.appendChild(links);
      item.duplicates.hidden = false;
    }

    /** Fills the "submit all for review" form (inputs owned by it through their `form` attribute) with what this page made. */
    function offerSubmitAll() {
      if (!submitAll || !submitAllButton || madeIds.length === 0) return;
      var owner = submitAllButton.getAttribute('form');
      var old = submitAll.querySelectorAll('input[name=ids]');
      for (var i = 0; i < old.length; i += 1) old[i].parentNode.removeChild(old[i]);
      madeIds.forEach(function (id) {
        var field = element('input');
        field.type = 'hidden';
        field.name = 'ids';
        field.value = id;
        field.setAttribute('form', owner);
        submitAll.appendChild(field);
      });
      if (submitAllText) submitAllText.textContent = say('submitAllText', { count: madeIds.length });
      submitAll.hidden = false;
    }

    function showProblem(lines) {
      problem.textContent = lines.join(' ');
      problem.hidden = false;
    }
  }

  function element(tag, className) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    return made;
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

  function setPhase(item, phase) {
    item.phase = phase;
    item.li.setAttribute('data-phase', phase);
    item.remove.hidden = phase === 'sent' || phase === 'sending';
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
