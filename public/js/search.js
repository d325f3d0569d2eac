// Search as you type on /search: the same URL with `X-Partial: results` answers only the chips, facets
// and hits, which replace #search-results in place. Arrow keys move through the hit titles, Escape
// returns to the box, `/` focuses the box. Without this script the form and links work as plain pages.
(function () {
  'use strict';

  var DEBOUNCE_MS = 250;
  var MIN_CHARS = 2;

  if (!window.fetch || !window.AbortController || !window.URLSearchParams) return;

  function start() {
    var form = document.querySelector('form[data-live-search]');
    var box = form && form.querySelector('input[type=search][name=q]');
    var results = document.getElementById('search-results');
    var status = document.getElementById('search-status');
    if (!form || !box || !results || !status) return;

    var hints = document.querySelectorAll('[data-js-hint]');
    for (var i = 0; i < hints.length; i += 1) hints[i].hidden = false;

    // The filters panel stays as the reader left it when the results are replaced. On a wide screen it stands open
    // beside the hits (portal.css shows it there even closed, where the browser can; opening it also tells
    // assistive technology that its links are there).
    var WIDE = window.matchMedia ? window.matchMedia('(min-width: 50.0001rem)') : null;
    function filtersPanel() {
      return results.querySelector('[data-filters-panel]');
    }
    function settlePanel(wasOpen) {
      var panel = filtersPanel();
      if (!panel) return;
      if (wasOpen || (WIDE && WIDE.matches)) panel.open = true;
    }
    settlePanel(false);

    var timer = 0;
    var running = null;
    var lastUrl = location.pathname + location.search;

    box.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DEBOUNCE_MS);
    });

    function urlOf() {
      var params = new URLSearchParams();
      var data = new FormData(form);
      data.forEach(function (value, key) {
        if (key === 'q') value = String(value).trim();
        if (value !== '') params.append(key, String(value));
      });
      var query = params.toString();
      return '/search' + (query ? '?' + query : '');
    }

    function refresh() {
      var q = box.value.trim();
      if (q.length > 0 && q.length < MIN_CHARS) return;
      var url = urlOf();
      if (url === lastUrl) return;
      if (running) running.abort();
      var controller = new AbortController();
      running = controller;
      results.setAttribute('aria-busy', 'true');
      fetch(url, { headers: { 'X-Partial': 'results', Accept: 'text/html' }, credentials: 'same-origin', signal: controller.signal })
        .then(function (response) {
          // Signed out meanwhile: the answer is the sign-in page, so go there as a plain page would.
          if (response.redirected || !/^\/search(\?|$)/.test(new URL(response.url).pathname)) {
            location.assign(url);
            return null;
          }
          return response.text();
        })
        .then(function (html) {
          if (html === null || controller.signal.aborted) return;
          var panel = filtersPanel();
          var wasOpen = !!(panel && panel.open);
          results.innerHTML = html;
          settlePanel(wasOpen);
          lastUrl = url;
          history.replaceState(history.state, '', url);
          followAddress(url);
          announce();
        })
        .catch(function (error) {
          if (error && error.name === 'AbortError') return;
          status.textContent = status.getAttribute('data-failed') || '';
        })
        .then(function () {
          if (running === controller) {
            running = null;
            results.removeAttribute('aria-busy');
          }
        });
    }

    // The page's title, the language switch (which returns to this address) and the "notify me" form follow the new query.
    function followAddress(url) {
      followSearchState(url);
      var title = results.querySelector('[data-page-title]');
      if (title) document.title = title.getAttribute('data-page-title');
      var switches = document.querySelectorAll('a[href^="/language/"]');
      for (var i = 0; i < switches.length; i += 1) {
        var link = new URL(switches[i].href, location.href);
        if (!link.searchParams.has('back')) continue;
        link.searchParams.set('back', url);
        switches[i].setAttribute('href', link.pathname + link.search);
      }
    }

    // The hidden fields of the subscribe form: the search's q and filters, never its paging or order.
    function followSearchState(url) {
      var subscribe = document.querySelector('form[data-subscribe-form]');
      if (!subscribe) return;
      var old = subscribe.querySelectorAll('input[data-search-state]');
      for (var i = 0; i < old.length; i += 1) old[i].parentNode.removeChild(old[i]);
      var params = new URL(url, location.href).searchParams;
      if (!params.has('q')) params.set('q', '');
      var anchor = subscribe.querySelector('input[name=_csrf]');
      params.forEach(function (value, key) {
        if (key === 'page' || key === 'perPage' || key === 'sort') return;
        var field = document.createElement('input');
        field.type = 'hidden';
        field.name = key;
        field.value = value;
        field.setAttribute('data-search-state', '');
        anchor.parentNode.insertBefore(field, anchor.nextSibling);
      });
    }

    function announce() {
      var count = results.querySelector('.result-count, [role=alert]');
      var relaxed = results.querySelector('.relaxed-notice strong');
      var text = count ? count.textContent.replace(/\s+/g, ' ').trim() : '';
      status.textContent = relaxed && text ? relaxed.textContent.trim() + ' · ' + text : text;
    }

    function titles() {
      return Array.prototype.slice.call(results.querySelectorAll('article.hit a.hit-title'));
    }

    box.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowDown' || event.altKey || event.ctrlKey || event.metaKey) return;
      var list = titles();
      if (list.length === 0) return;
      event.preventDefault();
      list[0].focus();
    });

    results.addEventListener('keydown', function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        box.focus();
        return;
      }
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      var list = titles();
      var at = list.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === 'ArrowDown') {
        if (at + 1 < list.length) list[at + 1].focus();
      } else if (at === 0) box.focus();
      else list[at - 1].focus();
    });

    document.addEventListener('keydown', function (event) {
      if (event.key !== '/' || event.altKey || event.ctrlKey || event.metaKey) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
