// kycd reviewer console: image zoom, and showing only the decision fields that apply.
(function () {
  'use strict';
  var dlg = document.getElementById('zoom');
  if (dlg) {
    var img = dlg.querySelector('img'), scale = 1;
    document.querySelectorAll('.zoomable').forEach(function (b) {
      b.addEventListener('click', function () {
        img.src = b.getAttribute('data-src'); scale = 1; img.style.transform = '';
        img.alt = b.getAttribute('aria-label') || '';
        dlg.showModal();
      });
    });
    img.addEventListener('click', function () {
      scale = scale >= 4 ? 1 : scale * 2;
      img.style.transform = 'scale(' + scale + ')';
    });
    dlg.addEventListener('wheel', function (e) {
      if (!e.ctrlKey) return;
      e.preventDefault();
      scale = Math.min(6, Math.max(1, scale * (e.deltaY < 0 ? 1.2 : 1 / 1.2)));
      img.style.transform = 'scale(' + scale + ')';
    }, { passive: false });
  }
  var form = document.getElementById('decide-form');
  if (form) {
    var steps = document.getElementById('steps-box');
    var sync = function () {
      var a = form.querySelector('input[name=action]:checked');
      steps.hidden = !(a && (a.value === 'resubmit' || a.value === 'reject'));
    };
    form.addEventListener('change', sync); sync();
  }
  var back = document.getElementById('back');
  if (back && history.length > 1) back.addEventListener('click', function (e) { e.preventDefault(); history.back(); });
})();
