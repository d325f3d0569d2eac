// Upload progress for forms marked data-upload: sends the form with XHR and shows a progress bar.
// Without this script (or without XHR/FormData) the form is submitted normally.
(function () {
  'use strict';

  var percent = new Intl.NumberFormat('fa-IR', { maximumFractionDigits: 0 });
  var size = new Intl.NumberFormat('fa-IR', { maximumFractionDigits: 1 });

  function megabytes(bytes) {
    return size.format(bytes / (1024 * 1024)) + ' مگابایت';
  }

  function attach(root) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    var forms = root.querySelectorAll('form[data-upload]');
    for (var i = 0; i < forms.length; i += 1) {
      if (forms[i].getAttribute('data-upload-ready')) continue;
      forms[i].setAttribute('data-upload-ready', '1');
      forms[i].addEventListener('submit', onSubmit);
    }
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    var box = form.querySelector('.upload-progress');
    var bar = box && box.querySelector('progress');
    var text = box && box.querySelector('.progress-text');
    var problem = form.querySelector('.upload-error');
    var button = form.querySelector('button[type=submit]');
    var input = form.querySelector('input[type=file]');
    if (!box || !bar || !text || !problem || !button) return;

    var file = input && input.files && input.files[0];
    var max = Number(form.getAttribute('data-max-bytes'));
    problem.hidden = true;
    if (file && max && file.size > max) {
      event.preventDefault();
      problem.textContent = 'حجم این پرونده (' + megabytes(file.size) + ') از حد مجاز (' + megabytes(max) + ') بیشتر است.';
      problem.hidden = false;
      return;
    }

    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'text/html');
    box.hidden = false;
    bar.value = 0;
    text.textContent = 'در حال بارگذاری…';
    button.disabled = true;

    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var done = Math.floor((e.loaded * 100) / e.total);
      bar.value = done;
      text.textContent = percent.format(done) + '٪ · ' + megabytes(e.loaded) + ' از ' + megabytes(e.total);
    });
    xhr.upload.addEventListener('load', function () {
      bar.value = 100;
      text.textContent = 'پرونده رسید؛ در حال ثبت…';
    });
    xhr.addEventListener('load', function () {
      if (!xhr.responseText) return fail('پاسخی از سامانه نرسید؛ دوباره بفرستید.');
      show(xhr, form.action);
    });
    xhr.addEventListener('error', function () {
      fail('ارتباط با سامانه قطع شد و بارگذاری انجام نشد. اگر پرونده بزرگ است، حجم مجاز را بررسی کنید و دوباره بفرستید.');
    });
    xhr.addEventListener('abort', function () {
      fail('بارگذاری متوقف شد.');
    });
    xhr.send(new FormData(form));

    function fail(message) {
      box.hidden = true;
      button.disabled = false;
      problem.textContent = message;
      problem.hidden = false;
    }
  }

  // The answer is a whole page (the document after a redirect, or the form with its errors): show it in place.
  function show(xhr, postedTo) {
    var page = new DOMParser().parseFromString(xhr.responseText, 'text/html');
    if (xhr.responseURL && xhr.responseURL !== postedTo) window.history.pushState(null, '', xhr.responseURL);
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    window.scrollTo(0, 0);
    attach(document);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { attach(document); });
  else attach(document);
})();
