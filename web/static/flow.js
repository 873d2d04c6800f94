// kycd hosted applicant flow. Reads the applicant token from the URL fragment, then drives the
// JSON API (/v1/applicants/{id}/...) with it. Every string comes from the server's message table
// (both languages are embedded in the page); reason texts come from the API or the catalogue.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('flow-data').textContent);
  var app = document.getElementById('app');
  var id = D.applicant_id;
  var store = window.sessionStorage;
  var lang = store.getItem('kycd_lang') || D.lang;

  // The token travels in the fragment (never sent to servers); keep it for reloads of this tab
  // and drop it from the address bar and history.
  var token = null;
  var m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    token = decodeURIComponent(m[1]);
    try { store.setItem('kycd_token_' + id, token); } catch (e) { /* private mode */ }
    history.replaceState(null, '', location.pathname + location.search);
  } else {
    token = store.getItem('kycd_token_' + id);
  }

  // --- helpers ---
  function t(key, vars) {
    var s = (D.messages[lang] && D.messages[lang][key]) || key;
    if (vars) Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(vars[k]); });
    return s;
  }
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    });
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function add(parent, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(parent, x); }); return; }
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  function show() {
    stopCamera(); stopPolling();
    app.innerHTML = '';
    for (var i = 0; i < arguments.length; i++) add(app, arguments[i]);
    var h = app.querySelector('h1');
    if (h) { h.setAttribute('tabindex', '-1'); h.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  }
  function reasonText(r) {
    var c = D.reasons[r.code] || {};
    var zh = lang === 'zh-CN';
    return {
      message: (zh ? r.message_zh || c.message_zh : r.message || c.message) || r.code,
      hint: (zh ? r.hint_zh || c.hint_zh : r.hint || c.hint) || ''
    };
  }
  function reasonList(reasons, withComment) {
    return el('ul', null, reasons.map(function (r) {
      var x = reasonText(r);
      return el('li', { 'data-code': r.code, class: 'reason' }, el('strong', { text: x.message }),
        x.hint ? el('div', { class: 'hint', text: t('status.how_to_fix') + ' ' + x.hint }) : null,
        withComment && r.comment ? el('div', { class: 'comment', text: t('status.reviewer_comment') + ' ' + r.comment }) : null);
    }));
  }

  // --- API ---
  function api(method, path, body) {
    var opts = { method: method, headers: { Authorization: 'Bearer ' + token } };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
    var url = path.charAt(0) === '/' && path.indexOf('/flow/') === 0 ? path : '/v1/applicants/' + encodeURIComponent(id) + path;
    return fetch(url, opts).then(function (res) {
      return res.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (res.status === 401) { expired(); throw { handled: true }; }
        return { status: res.status, ok: res.ok, data: data || {} };
      });
    }, function () { return { status: 0, ok: false, data: {}, network: true }; });
  }
  function problemText(r) {
    if (r.network) return t('flow.network');
    if (r.data && r.data.code && D.reasons[r.data.code]) {
      var x = reasonText({ code: r.data.code });
      return x.message + ' ' + x.hint;
    }
    if (r.status === 409) return t('error.conflict');
    if (r.status === 422 || r.status === 400) return t('error.invalid');
    return t('error.generic');
  }
  function expired() {
    try { store.removeItem('kycd_token_' + id); } catch (e) { /* ignore */ }
    show(el('section', { class: 'card' }, el('h1', { text: t('flow.title') }), el('p', { id: 'expired', text: t('flow.expired') })));
  }

  // --- state ---
  var S = { view: null, cfg: null, plan: [], idx: 0, done: {}, uploads: {}, identity: null, idPhase: 'choose', current: null };

  function rerender() { if (S.current) S.current(); }
  document.getElementById('lang').addEventListener('click', function () {
    lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
    try { store.setItem('kycd_lang', lang); } catch (e) { /* ignore */ }
    paintChrome();
    rerender();
  });
  function paintChrome() {
    document.documentElement.lang = lang;
    document.getElementById('lang').textContent = t('lang.switch');
    document.getElementById('brand').textContent = t('flow.title');
    var skip = document.querySelector('.skip');
    if (skip) skip.textContent = t('common.skip');
    document.title = t('flow.title') + ' · kycd';
  }
  paintChrome();

  function start() {
    if (!token) { show(el('section', { class: 'card' }, el('h1', { text: t('flow.title') }), el('p', { id: 'expired', text: t('flow.no_token') }))); return; }
    Promise.all([api('GET', '/flow/' + encodeURIComponent(id) + '/config'), api('GET', '')]).then(function (rs) {
      if (!rs[0].ok || !rs[1].ok) { fail(rs[1].ok ? rs[0] : rs[1]); return; }
      S.cfg = rs[0].data; S.view = rs[1].data;
      route();
    }).catch(ignoreHandled);
  }
  function ignoreHandled(e) { if (!e || !e.handled) { console.error(e); failMsg(t('error.generic')); } }
  function fail(r) { failMsg(problemText(r)); }
  function failMsg(msg) {
    S.current = function () { failMsg(msg); };
    show(el('section', { class: 'card' }, el('h1', { text: t('error.title') }), el('p', { text: msg }),
      el('button', { type: 'button', onclick: start, text: t('common.retry') })));
  }
  function stepView(step) {
    return (S.view.steps || []).filter(function (s) { return s.step === step; })[0] || { step: step, state: 'not_started' };
  }
  function route() {
    var st = S.view.status;
    if (st === 'not_started' || st === 'in_progress') {
      var todo = S.cfg.steps.filter(function (s) { return stepView(s).state !== 'passed'; });
      startWizard(todo, 0);
    } else {
      statusScreen();
    }
  }

  // --- wizard ---
  function startWizard(steps, at) {
    S.plan = steps.concat(['review']);
    S.idx = at || 0;
    S.idPhase = 'choose';
    renderStep();
  }
  function renderStep() {
    var step = S.plan[S.idx];
    var screens = { profile: profileScreen, identity: identityScreen, selfie: selfieScreen, liveness: livenessScreen, proof_of_address: poaScreen, review: reviewScreen };
    S.current = screens[step];
    S.current();
  }
  function next() { S.idx = Math.min(S.idx + 1, S.plan.length - 1); S.idPhase = 'choose'; renderStep(); }
  function prev() { if (S.idx > 0) { S.idx--; S.idPhase = 'choose'; renderStep(); } }
  function progress(titleKey) {
    var n = S.idx + 1, total = S.plan.length;
    var bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 1, 'aria-valuemax': total, 'aria-valuenow': n });
    var fill = el('i'); fill.style.width = Math.round(100 * n / total) + '%'; bar.appendChild(fill);
    return [el('p', { class: 'progress', text: t('flow.step_of', { n: n, total: total }) }), bar, el('h1', { id: 'step-title', 'data-step': S.plan[S.idx], text: t(titleKey) })];
  }
  function buttons() {
    var b = el('div', { class: 'buttons' });
    for (var i = 0; i < arguments.length; i++) add(b, arguments[i]);
    return b;
  }
  function backButton() { return S.idx > 0 ? el('button', { type: 'button', class: 'secondary', id: 'back', onclick: prev, text: t('common.back') }) : null; }

  // Profile.
  var NAME_BAD = /[0-9<>{}\[\]\\|@#$%^*=_~`"]/;
  function countryOptions(selected, codes) {
    var list = D.countries.filter(function (c) { return !codes || codes.indexOf(c.code) >= 0 || hasWildcard(codes); });
    return [el('option', { value: '', text: t('profile.choose') })].concat(list.map(function (c) {
      return el('option', { value: c.code, selected: c.code === selected, text: lang === 'zh-CN' ? c.zh : c.en });
    }));
  }
  function hasWildcard() { return false; }
  function field(idName, labelKey, input, hintKey) {
    input.id = idName; input.name = idName;
    input.setAttribute('aria-describedby', idName + '-err');
    return el('div', { class: 'field' }, el('label', { for: idName, text: t(labelKey) }), input,
      el('p', { class: 'err', id: idName + '-err', role: 'alert', hidden: true }), hintKey ? el('p', { class: 'muted small', text: t(hintKey) }) : null);
  }
  function setErr(input, msg) {
    var e = document.getElementById(input.id + '-err');
    input.setAttribute('aria-invalid', msg ? 'true' : 'false');
    e.hidden = !msg; e.textContent = msg || '';
    return !msg;
  }
  function profileScreen() {
    var p = (S.view && S.view.profile) || {};
    var addr = p.address || {};
    // What was typed survives a language switch (the form is drawn again).
    var draft = S.profileDraft || (S.profileDraft = {});
    var needAddress = S.cfg.steps.indexOf('proof_of_address') >= 0;
    var f = {
      first_name: el('input', { autocomplete: 'given-name', required: true, value: p.first_name || '' }),
      last_name: el('input', { autocomplete: 'family-name', required: true, value: p.last_name || '' }),
      date_of_birth: el('input', { type: 'date', autocomplete: 'bday', required: true, value: p.date_of_birth || '' }),
      nationality: el('select', { required: true }, countryOptions(p.nationality)),
      country_of_residence: el('select', null, countryOptions(p.country_of_residence))
    };
    if (needAddress) {
      f.line1 = el('input', { autocomplete: 'address-line1', required: true, value: addr.line1 || '' });
      f.line2 = el('input', { autocomplete: 'address-line2', value: addr.line2 || '' });
      f.city = el('input', { autocomplete: 'address-level2', required: true, value: addr.city || '' });
      f.postal_code = el('input', { autocomplete: 'postal-code', value: addr.postal_code || '' });
      f.country = el('select', { required: true }, countryOptions(addr.country || p.country_of_residence));
    }
    function check(k) {
      var ok = check1(k);
      draft['err_' + k] = !ok;
      return ok;
    }
    function check1(k) {
      var v = (f[k].value || '').trim();
      if (f[k].hasAttribute('required') && !v) return setErr(f[k], t('common.required'));
      if ((k === 'first_name' || k === 'last_name') && NAME_BAD.test(v)) return setErr(f[k], t('profile.err_name'));
      if (k === 'date_of_birth') {
        var d = new Date(v + 'T00:00:00Z');
        if (isNaN(d) || d > new Date() || d.getUTCFullYear() < new Date().getUTCFullYear() - 130) return setErr(f[k], t('profile.err_dob'));
      }
      return setErr(f[k], '');
    }
    Object.keys(f).forEach(function (k) {
      if (draft[k] !== undefined) f[k].value = draft[k];
      f[k].addEventListener('blur', function () { check(k); });
      f[k].addEventListener('input', function () { draft[k] = f[k].value; if (f[k].getAttribute('aria-invalid') === 'true') check(k); });
      f[k].addEventListener('change', function () { draft[k] = f[k].value; });
    });
    var msg = el('p', { class: 'flash err', role: 'alert', hidden: true });
    var form = el('form', { novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var ok = Object.keys(f).map(check).every(Boolean);
      if (!ok) { form.querySelector('[aria-invalid=true]').focus(); return; }
      var prof = { first_name: f.first_name.value.trim(), last_name: f.last_name.value.trim(), date_of_birth: f.date_of_birth.value,
        nationality: f.nationality.value, country_of_residence: f.country_of_residence.value };
      if (p.full_name) prof.full_name = p.full_name;
      if (needAddress) prof.address = { line1: f.line1.value.trim(), line2: f.line2.value.trim(), city: f.city.value.trim(), postal_code: f.postal_code.value.trim(), country: f.country.value };
      else if (p.address) prof.address = p.address;
      submitBtn.disabled = true;
      api('PATCH', '', { profile: prof }).then(function (r) {
        submitBtn.disabled = false;
        if (r.ok) { S.view = r.data; S.done.profile = true; S.profileDraft = null; next(); return; }
        var fieldName = (r.data.field || '').replace('profile.address.', '').replace('profile.', '');
        if (f[fieldName]) { setErr(f[fieldName], t('profile.err_server')); f[fieldName].focus(); }
        msg.hidden = false; msg.textContent = problemText(r);
      }).catch(ignoreHandled);
    } },
      el('p', { class: 'muted', text: t('profile.intro') }),
      el('div', { class: 'two' }, field('first_name', 'profile.first_name', f.first_name), field('last_name', 'profile.last_name', f.last_name)),
      field('date_of_birth', 'profile.date_of_birth', f.date_of_birth),
      field('nationality', 'profile.nationality', f.nationality),
      field('country_of_residence', 'profile.residence', f.country_of_residence),
      needAddress ? el('fieldset', { class: 'card' }, el('legend', { text: t('profile.address') }),
        field('line1', 'profile.line1', f.line1), field('line2', 'profile.line2', f.line2),
        el('div', { class: 'two' }, field('city', 'profile.city', f.city), field('postal_code', 'profile.postal_code', f.postal_code)),
        field('country', 'profile.country', f.country)) : null,
      msg);
    var submitBtn = el('button', { type: 'submit', id: 'next', text: t('common.continue') });
    form.appendChild(buttons(submitBtn, backButton()));
    show(progress('step.profile'), form);
    Object.keys(f).forEach(function (k) { if (draft['err_' + k]) check(k); });
  }

  // Identity: choose document, then capture each side.
  function acceptedTypes(country) {
    var docs = S.cfg.documents || {};
    if (Object.prototype.hasOwnProperty.call(docs, country)) return docs[country] || [];
    return docs['*'] || [];
  }
  function identityScreen() {
    if (S.idPhase === 'front' || S.idPhase === 'back') { docCaptureScreen(S.idPhase); return; }
    var choice = S.idDraft || S.identity || { country: (S.view.profile || {}).nationality || '', doc_type: '' };
    S.idDraft = choice;
    var countries = D.countries.filter(function (c) { return acceptedTypes(c.code).length > 0; });
    var sel = el('select', { required: true }, [el('option', { value: '', text: t('profile.choose') })].concat(countries.map(function (c) {
      return el('option', { value: c.code, selected: c.code === choice.country, text: lang === 'zh-CN' ? c.zh : c.en });
    })));
    var types = el('fieldset', { class: 'types' });
    var msg = el('p', { class: 'flash err', role: 'alert', hidden: true });
    function drawTypes() {
      types.innerHTML = '';
      types.appendChild(el('legend', { text: t('identity.type') }));
      var list = sel.value ? acceptedTypes(sel.value) : [];
      if (sel.value && !list.length) types.appendChild(el('p', { text: t('identity.none') }));
      list.forEach(function (dt) {
        types.appendChild(el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'doc_type', value: dt, id: 'doc-' + dt, checked: dt === choice.doc_type }), t('doc.' + dt)));
      });
    }
    sel.addEventListener('change', function () { choice.country = sel.value; drawTypes(); });
    types.addEventListener('change', function (e) { if (e.target.name === 'doc_type') choice.doc_type = e.target.value; });
    drawTypes();
    var btn = el('button', { type: 'submit', id: 'next', text: t('common.continue') });
    var form = el('form', { novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var dt = form.querySelector('input[name=doc_type]:checked');
      if (!sel.value) { setErr(sel, t('common.required')); sel.focus(); return; }
      setErr(sel, '');
      if (!dt) { msg.hidden = false; msg.textContent = t('identity.type') + ': ' + t('common.required'); return; }
      btn.disabled = true;
      var c = { doc_type: dt.value, country: sel.value };
      api('PUT', '/identity', c).then(function (r) {
        btn.disabled = false;
        if (!r.ok) { msg.hidden = false; msg.textContent = problemText(r); return; }
        S.identity = c; S.idPhase = 'front'; identityScreen();
      }).catch(ignoreHandled);
    } }, el('p', { class: 'muted', text: t('identity.intro') }), field('id-country', 'identity.country', sel), types, msg, buttons(btn, backButton()));
    show(progress('step.identity'), form);
  }
  function docCaptureScreen(side) {
    var passport = S.identity && S.identity.doc_type === 'passport';
    capture({
      slot: side, path: '/documents/' + side, facing: 'environment', kind: 'doc',
      step: 'step.identity', titleKey: passport ? 'side.passport' : 'side.' + side, introKey: 'capture.doc_intro',
      onNext: function () {
        if (side === 'front' && S.cfg.has_back[S.identity.doc_type]) { S.idPhase = 'back'; identityScreen(); } else { S.done.identity = true; next(); }
      },
      onBack: function () { S.idPhase = side === 'back' ? 'front' : 'choose'; identityScreen(); }
    });
  }
  function selfieScreen() {
    capture({ slot: 'selfie', path: '/selfie', facing: 'user', kind: 'selfie', step: 'step.selfie', titleKey: 'side.selfie',
      introKey: 'capture.selfie_intro', onNext: function () { S.done.selfie = true; next(); }, onBack: prev });
  }
  function poaScreen() {
    capture({ slot: 'poa', path: '/proof-of-address', facing: 'environment', kind: 'doc', pdf: true, step: 'step.proof_of_address',
      titleKey: 'side.poa', introKey: 'capture.poa_intro', onNext: function () { S.done.proof_of_address = true; next(); }, onBack: prev });
  }

  // --- camera ---
  var cam = { stream: null, timer: null, prev: null };
  function stopCamera() {
    if (cam.timer) { clearInterval(cam.timer); cam.timer = null; }
    if (cam.stream) { cam.stream.getTracks().forEach(function (tr) { tr.stop(); }); cam.stream = null; }
    cam.prev = null;
  }
  function openCamera(facing) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return Promise.reject(new Error('no camera'));
    return navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: facing }, width: { ideal: 1920 }, height: { ideal: 1080 } } });
  }
  // measure looks at a small copy of the frame: brightness, glare, movement since the last look,
  // and detail inside the guide (a document far away leaves the guide flat).
  function measure(video, kind) {
    var w = 96, h = 72;
    var c = measure.c || (measure.c = document.createElement('canvas'));
    c.width = w; c.height = h;
    var g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(video, 0, 0, w, h);
    var px = g.getImageData(0, 0, w, h).data;
    var lum = new Float32Array(w * h), sum = 0, bright = 0;
    for (var i = 0, j = 0; i < px.length; i += 4, j++) {
      var l = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      lum[j] = l; sum += l; if (l > 245) bright++;
    }
    var motion = 0;
    if (cam.prev) { for (var k = 0; k < lum.length; k++) motion += Math.abs(lum[k] - cam.prev[k]); motion /= lum.length; }
    cam.prev = lum;
    var detail = 0, n = 0;
    for (var y = Math.round(h * 0.2); y < h * 0.8; y++) {
      for (var x = Math.round(w * 0.1); x < w * 0.9 - 1; x++) { detail += Math.abs(lum[y * w + x + 1] - lum[y * w + x]); n++; }
    }
    return { mean: sum / lum.length, glare: bright / lum.length, motion: motion, detail: detail / n, kind: kind };
  }
  function hintFor(mz) {
    if (mz.mean < 55) return 'hint.dark';
    if (mz.glare > 0.04) return 'hint.glare';
    if (mz.motion > 12) return 'hint.still';
    if (mz.kind === 'doc' && mz.detail < 3) return 'hint.closer';
    return mz.kind === 'selfie' ? 'hint.face' : 'hint.good';
  }
  function grab(video, maxSide, quality) {
    var vw = video.videoWidth, vh = video.videoHeight;
    var s = Math.min(1, maxSide / Math.max(vw, vh));
    var c = document.createElement('canvas');
    c.width = Math.round(vw * s); c.height = Math.round(vh * s);
    c.getContext('2d').drawImage(video, 0, 0, c.width, c.height);
    return new Promise(function (resolve) { c.toBlob(resolve, 'image/jpeg', quality); });
  }

  // capture is one upload slot: camera with guide and live hints, or a file; the server's
  // upload-time reasons are shown at once with a retake button.
  function capture(o) {
    // Texts are looked up on every drawing, so a language switch redraws them.
    o.heading = progress(o.step);
    o.title = t(o.titleKey);
    o.intro = t(o.introKey);
    var res = S.uploads[o.slot];
    var title = el('h2', { text: o.title });
    var fileInput = el('input', { type: 'file', id: 'file-input', class: 'visually-hidden', accept: o.pdf ? 'image/jpeg,image/png,application/pdf' : 'image/jpeg,image/png' });
    fileInput.addEventListener('change', function () {
      if (fileInput.files && fileInput.files[0]) send(fileInput.files[0], fileInput.files[0].name);
    });
    var uploadLabel = el('label', { for: 'file-input', class: 'button secondary', id: 'capture-upload', role: 'button', tabindex: '0', text: t('capture.upload') });
    uploadLabel.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); } });
    var status = el('div', { 'aria-live': 'polite', id: 'capture-status' });

    function send(blob, name) {
      if (blob.size > D.max_image_bytes && !(o.pdf && blob.type === 'application/pdf')) {
        result({ error: reasonText({ code: 'FILE_TOO_LARGE' }).message + ' ' + reasonText({ code: 'FILE_TOO_LARGE' }).hint, preview: null });
        return;
      }
      stopCamera();
      var preview = blob.type && blob.type.indexOf('image/') === 0 ? URL.createObjectURL(blob) : null;
      show(o.heading, title, el('div', { class: 'spinner', role: 'img', 'aria-label': t('capture.checking') }), el('p', { class: 'muted', text: t('capture.checking') }));
      var fd = new FormData();
      fd.append('file', blob, name || (o.slot + '.jpg'));
      api('POST', o.path, fd).then(function (r) {
        if (r.ok) result({ file: r.data, reasons: r.data.reasons || [], preview: preview });
        else result({ error: problemText(r), code: r.data.code, preview: preview });
      }).catch(ignoreHandled);
    }
    function result(x) {
      S.uploads[o.slot] = x;
      S.current = function () { capture(o); };
      capture(o);
    }
    function retake() { delete S.uploads[o.slot]; capture(o); }

    S.current = function () { capture(o); };
    if (res) {
      var bad = res.error || (res.reasons && res.reasons.length);
      var box = el('div', { class: 'result ' + (bad ? 'bad' : 'ok'), id: 'capture-result', 'data-codes': res.error ? (res.code || 'error') : (res.reasons || []).map(function (r) { return r.code; }).join(' ') });
      if (res.error) box.appendChild(el('p', { text: res.error }));
      else if (bad) { box.appendChild(el('p', { text: t('capture.problem') })); box.appendChild(reasonList(res.reasons)); }
      else box.appendChild(el('p', { text: '✓ ' + t('capture.ok') }));
      var btns = bad
        ? buttons(el('button', { type: 'button', id: 'retake', onclick: retake, text: t('capture.retake') }),
          res.error ? null : el('button', { type: 'button', class: 'secondary', id: 'use-anyway', onclick: o.onNext, text: t('capture.use_anyway') }))
        : buttons(el('button', { type: 'button', id: 'continue', onclick: o.onNext, text: t('common.continue') }),
          el('button', { type: 'button', class: 'secondary', id: 'retake', onclick: retake, text: t('capture.retake') }));
      show(o.heading, title, res.preview ? el('div', { class: 'preview' }, el('img', { src: res.preview, alt: o.title })) : null, box, btns);
      return;
    }
    var camBtn = el('button', { type: 'button', id: 'capture-camera', text: t('capture.use_camera'), onclick: function () { live(); } });
    show(o.heading, title, el('p', { class: 'muted', text: o.intro }), status,
      buttons(camBtn, uploadLabel, el('button', { type: 'button', class: 'secondary', id: 'back', onclick: o.onBack, text: t('common.back') })), fileInput);

    function live() {
      var video = el('video', { playsinline: true, autoplay: true, muted: true, 'aria-label': o.title });
      video.muted = true;
      var frame = el('div', { class: 'frame', 'aria-hidden': 'true' });
      var hint = el('div', { class: 'hint', id: 'live-hint', 'aria-live': 'polite', text: '' });
      var box = el('div', { class: 'cam ' + o.kind }, video, frame, hint);
      var shoot = el('button', { type: 'button', id: 'shoot', text: t('capture.shoot'), disabled: true });
      var fi2 = el('input', { type: 'file', id: 'file-input', class: 'visually-hidden', accept: fileInput.accept });
      fi2.addEventListener('change', function () { if (fi2.files && fi2.files[0]) send(fi2.files[0], fi2.files[0].name); });
      var up2 = el('label', { for: 'file-input', class: 'button secondary', id: 'capture-upload', text: t('capture.upload_short') });
      show(o.heading, title, box, buttons(shoot, up2), fi2);
      S.current = function () {
        // Translate the live screen in place: the camera keeps running.
        hint.textContent = hint.dataset.hint ? t(hint.dataset.hint) : '';
        shoot.textContent = t('capture.shoot'); up2.textContent = t('capture.upload_short');
        title.textContent = t(o.titleKey);
        var h1 = document.getElementById('step-title');
        if (h1) h1.textContent = t(o.step);
        var pr = app.querySelector('.progress');
        if (pr) pr.textContent = t('flow.step_of', { n: S.idx + 1, total: S.plan.length });
      };
      openCamera(o.facing).then(function (stream) {
        cam.stream = stream;
        video.srcObject = stream;
        return video.play();
      }).then(function () {
        shoot.disabled = false;
        cam.timer = setInterval(function () {
          if (!video.videoWidth) return;
          var key = hintFor(measure(video, o.kind));
          hint.textContent = t(key);
          hint.setAttribute('data-hint', key);
          frame.classList.toggle('good', key === 'hint.good' || key === 'hint.face');
        }, 300);
        shoot.addEventListener('click', function () {
          shoot.disabled = true;
          grab(video, 1920, 0.9).then(function (blob) { send(blob, o.slot + '.jpg'); });
        });
      }).catch(function () {
        stopCamera();
        show(o.heading, title, el('p', { class: 'flash err', role: 'alert', text: t('capture.no_camera') }), buttons(uploadLabel), fileInput);
      });
    }
  }

  // --- liveness ---
  function livenessScreen() {
    var head = progress('step.liveness');
    if (S.done.liveness) {
      show(head, el('div', { class: 'result ok', id: 'capture-result' }, el('p', { text: '✓ ' + t('liveness.done') })),
        buttons(el('button', { type: 'button', id: 'continue', onclick: next, text: t('common.continue') }),
          el('button', { type: 'button', class: 'secondary', id: 'retake', onclick: function () { S.done.liveness = false; livenessScreen(); }, text: t('capture.retake') })));
      return;
    }
    var msg = el('p', { class: 'flash err', role: 'alert', hidden: true, id: 'liveness-error' });
    var startBtn = el('button', { type: 'button', id: 'liveness-start', text: t('liveness.start'), onclick: run });
    show(head, el('p', { class: 'muted', text: t('liveness.intro') }), msg, buttons(startBtn, backButton()));
    S.current = livenessScreen;

    function run() {
      startBtn.disabled = true;
      var challenge;
      api('POST', '/liveness/challenge').then(function (r) {
        if (!r.ok) throw { msg: problemText(r) };
        challenge = r.data;
        return openCamera('user');
      }).then(function (stream) {
        var video = el('video', { playsinline: true, autoplay: true, muted: true });
        video.muted = true;
        var action = el('div', { class: 'action', id: 'liveness-action', 'aria-live': 'assertive' });
        var hint = el('div', { class: 'hint', id: 'liveness-time' });
        show(head, el('div', { class: 'cam selfie' }, video, el('div', { class: 'frame', 'aria-hidden': 'true' }), action, hint));
        // A language switch during the challenge translates the instruction; it must not
        // restart the camera.
        S.current = function () { if (S.liveAction) action.textContent = S.liveAction(); };
        cam.stream = stream;
        video.srcObject = stream;
        return video.play().then(function () { return perform(video, action, hint, challenge); });
      }).then(function () {
        stopCamera();
        S.liveAction = null;
        S.done.liveness = true;
        livenessScreen();
      }).catch(function (e) {
        if (e && e.handled) return;
        stopCamera();
        S.liveAction = null;
        livenessScreen();
        var m2 = document.getElementById('liveness-error');
        m2.hidden = false;
        m2.textContent = (e && e.msg) || (e && e.name === 'NotAllowedError' ? t('capture.no_camera') : t('liveness.failed'));
      });
    }
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function perform(video, action, hint, ch) {
    var acts = ch.actions || [], index = 0, uploads = [];
    var expires = new Date(ch.expires_at).getTime();
    var tick = setInterval(function () {
      hint.textContent = t('liveness.time_left', { s: Math.max(0, Math.round((expires - Date.now()) / 1000)) });
    }, 500);
    function frame() {
      var at = new Date().toISOString(), i = index++;
      return grab(video, 640, 0.85).then(function (blob) {
        var fd = new FormData();
        fd.append('nonce', ch.nonce); fd.append('index', String(i)); fd.append('captured_at', at);
        fd.append('file', blob, 'frame-' + i + '.jpg');
        uploads.push(api('POST', '/liveness/frames', fd).then(function (r) { if (!r.ok) throw { msg: problemText(r) }; }));
      });
    }
    var chain = Promise.resolve();
    acts.forEach(function (a, k) {
      chain = chain.then(function () {
        S.liveAction = function () { return t('liveness.action_of', { n: k + 1, total: acts.length }) + ': ' + t('liveness.' + a); };
        action.textContent = S.liveAction();
        action.setAttribute('data-action', a);
        return sleep(700);
      }).then(frame).then(function () { return sleep(400); }).then(frame).then(function () { return sleep(400); }).then(frame);
    });
    return chain.then(function () {
      action.textContent = t('liveness.sending');
      return Promise.all(uploads);
    }).then(function () { clearInterval(tick); }, function (e) { clearInterval(tick); throw e; });
  }

  // --- review and submit ---
  function reviewScreen() {
    var p = S.view.profile || {};
    var items = S.plan.filter(function (s) { return s !== 'review'; }).map(function (s, i) {
      var summary = '';
      if (s === 'profile') summary = [p.first_name, p.last_name].filter(Boolean).join(' ') + (p.date_of_birth ? ' · ' + p.date_of_birth : '');
      if (s === 'identity' && S.identity) summary = t('doc.' + S.identity.doc_type) + ' · ' + S.identity.country;
      if (s === 'selfie' || s === 'proof_of_address' || s === 'liveness') summary = S.done[s] ? t('capture.done') : '';
      return el('div', { class: 'stepcard', 'data-step': s }, el('h3', null, t('step.' + s),
        el('button', { type: 'button', class: 'link small', onclick: function () { S.idx = i; S.idPhase = 'choose'; renderStep(); }, text: t('review.edit') })),
        summary ? el('p', { class: 'muted small', text: summary }) : null);
    });
    var msg = el('div', { class: 'flash err', role: 'alert', hidden: true, id: 'submit-error' });
    var btn = el('button', { type: 'button', id: 'submit', text: t('review.submit'), onclick: function () {
      btn.disabled = true;
      api('POST', '/submit').then(function (r) {
        btn.disabled = false;
        if (r.ok) { S.uploads = {}; S.done = {}; refreshStatus(); return; }
        msg.hidden = false; msg.innerHTML = '';
        if (r.data.missing && r.data.missing.length) {
          msg.appendChild(el('p', { text: t('review.missing') }));
          msg.appendChild(el('ul', null, r.data.missing.map(function (s) { return el('li', { text: t('step.' + s) }); })));
        } else msg.textContent = problemText(r);
      }).catch(ignoreHandled);
    } });
    show(progress('step.review'), el('p', { class: 'muted', text: t('review.intro') }), items, msg, buttons(btn, backButton()));
  }

  // --- status ---
  var poll = null;
  function stopPolling() { if (poll) { clearTimeout(poll); poll = null; } }
  function refreshStatus() {
    api('GET', '').then(function (r) {
      if (!r.ok) { fail(r); return; }
      S.view = r.data;
      statusScreen();
    }).catch(ignoreHandled);
  }
  function fmtDate(s) {
    try { return new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(s)); } catch (e) { return s.slice(0, 10); }
  }
  // statusScreen shows where the application stands; flashKey names a message to confirm an
  // action (kept as a key so a language switch translates it).
  function statusScreen(flashKey) {
    S.current = function () { statusScreen(flashKey); };
    var v = S.view, st = v.status;
    var icons = { approved: '✓', rejected: '×', action_required: '!', in_review: '…', pending: '' };
    var head = el('div', { class: 'statushead' },
      st === 'pending' ? el('div', { class: 'spinner', 'aria-hidden': 'true' }) : el('div', { class: 'icon', 'aria-hidden': 'true', text: icons[st] || '' }),
      el('h1', { id: 'status', 'data-status': st, text: t(st === 'pending' ? 'status.pending' : 'status.' + st) }));
    var sub = { pending: t('status.pending_sub'), approved: t('status.approved_sub'), action_required: t('status.action_sub'), rejected: t('status.rejected_sub'),
      in_review: t('status.in_review_sub', { date: v.review_due_at ? fmtDate(v.review_due_at) : '—' }) }[st];
    if (sub) head.appendChild(el('p', { class: 'muted', id: 'status-sub', text: sub }));
    var failed = [];
    var cards = (v.steps || []).map(function (sv) {
      // Every step that has not passed must be sent again with the resubmission (a step still
      // marked for review included): those are the ones offered.
      var redo = sv.state !== 'passed' && sv.state !== 'pending' && sv.attempts_left > 0 && st === 'action_required';
      if (redo) failed.push(sv.step);
      // While a reviewer has the application, every open step is theirs to look at.
      var shown = st === 'in_review' && sv.state !== 'passed' ? 'review' : sv.state;
      return el('div', { class: 'stepcard', 'data-step': sv.step, 'data-state': sv.state },
        el('h3', null, t('step.' + sv.step), el('span', { class: 'state ' + shown, text: t('status.step_' + shown) })),
        sv.reasons && sv.reasons.length ? el('div', { class: 'reasonitem' }, reasonList(sv.reasons, true)) : null,
        sv.state === 'retry' || sv.state === 'rejected' ? el('p', { class: 'muted small', text: t('status.attempts_left', { n: sv.attempts_left }) }) : null,
        redo ? el('button', { type: 'button', class: 'small', 'data-fix': sv.step, text: t('status.fix'), onclick: function () { startWizard(failed, failed.indexOf(sv.step)); } }) : null);
    });
    var actions = [];
    if (failed.length) actions.push(buttons(el('button', { type: 'button', id: 'fix-all', text: t('status.fix_all'), onclick: function () { startWizard(failed, 0); } })));
    if (st === 'in_progress' || st === 'not_started') actions.push(buttons(el('button', { type: 'button', id: 'continue', text: t('status.continue'), onclick: route })));
    var appeal = null;
    if (st === 'rejected' || st === 'action_required') {
      var form = appealForm();
      appeal = st === 'rejected' ? el('section', { class: 'card' }, el('h2', { text: t('appeal.title') }), form)
        : el('details', { class: 'card', id: 'appeal-details', open: !!S.appealDraft }, el('summary', { text: t('appeal.disagree') }), form);
    }
    show(flashKey ? el('p', { class: 'flash ok', role: 'status', id: 'flash', text: t(flashKey) }) : null, head, actions, cards, appeal);
    S.current = function () { statusScreen(flashKey); };
    if (st === 'pending' || st === 'in_review') {
      poll = setTimeout(refreshStatus, st === 'pending' ? 1500 : 10000);
    }
  }
  function appealForm() {
    var ta = el('textarea', { id: 'appeal-message', name: 'message', rows: 4, maxlength: 4000, required: true });
    // Keep what was typed across a language switch (the screen is drawn again).
    ta.value = S.appealDraft || '';
    ta.addEventListener('input', function () { S.appealDraft = ta.value; });
    var files = el('input', { type: 'file', id: 'appeal-files', name: 'files', multiple: true, accept: 'image/jpeg,image/png' });
    var msg = el('p', { class: 'flash err', role: 'alert', hidden: true });
    var btn = el('button', { type: 'submit', id: 'appeal-send', text: t('appeal.send') });
    var form = el('form', { novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      if (!ta.value.trim()) { setErr(ta, t('common.required')); ta.focus(); return; }
      setErr(ta, '');
      var fd = new FormData();
      fd.append('message', ta.value.trim());
      Array.prototype.forEach.call(files.files || [], function (f) { fd.append('files', f, f.name); });
      btn.disabled = true;
      api('POST', '/appeal', fd).then(function (r) {
        btn.disabled = false;
        if (!r.ok) { msg.hidden = false; msg.textContent = problemText(r); return; }
        S.appealDraft = '';
        api('GET', '').then(function (r2) { if (r2.ok) S.view = r2.data; statusScreen('appeal.sent'); });
      }).catch(ignoreHandled);
    } }, el('p', { class: 'muted', text: t('appeal.intro') }), field('appeal-message', 'appeal.message', ta), field('appeal-files', 'appeal.files', files), msg, buttons(btn));
    return form;
  }

  start();
})();
