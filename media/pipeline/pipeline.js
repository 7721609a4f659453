// Pipeline webview: renders the state the extension posts ({type:'state', state}); sends user actions back.
// DOM built with textContent only (no HTML strings), so log lines and messages can never inject markup.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const app = document.getElementById('app');
  const saved = vscode.getState() || {};
  let selected = saved.selected;
  // Until the user picks a stage of a run, the view follows the run: the running stage, else where it stopped.
  let pinnedRun = saved.pinnedRun;
  let expanded = saved.expanded !== false;
  let last;

  const ICONS = { waiting: '○', running: '◐', passed: '✓', failed: '✗', skipped: '–', cancelled: '■', 'paused-for-approval': '‖' };
  const LABELS = { waiting: 'waiting', running: 'running', passed: 'passed', failed: 'failed', skipped: 'skipped', cancelled: 'cancelled', 'paused-for-approval': 'waiting for approval' };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'onclick') node.addEventListener('click', v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return node;
  }

  function duration(ms) {
    if (ms === undefined) return '';
    if (ms < 1000) return ms + 'ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + 's';
    return Math.floor(ms / 60000) + 'm' + Math.round((ms % 60000) / 1000) + 's';
  }

  function send(message) {
    vscode.postMessage(message);
  }

  function remember() {
    vscode.setState({ selected, expanded, pinnedRun });
  }

  function followRun(run) {
    const active = run.stages.find((s) => s.state === 'running' || s.state === 'failed' || s.state === 'paused-for-approval');
    const done = run.stages.filter((s) => s.state === 'passed');
    return (active || done[done.length - 1] || run.stages[0]).id;
  }

  function statusText(state) {
    const run = state.run;
    if (state.error && !state.busy) return 'Error: ' + state.error;
    if (!run) return 'No pipeline run yet.';
    const where = run.branch + ' @ ' + run.version;
    switch (run.status) {
      case 'running': {
        const s = run.stages.find((x) => x.state === 'running');
        return 'Running' + (s ? ': ' + s.title : '') + ' — ' + where;
      }
      case 'passed': return 'Passed in ' + duration(run.durationMs) + ' — ' + where;
      case 'paused': return 'Waiting for approval to deploy ' + run.version + ' to production';
      case 'cancelled': return 'Cancelled — ' + where;
      case 'interrupted': return 'Interrupted at ' + (run.failedStage || 'a stage') + ': ' + (run.reason || 'its process died') + ' — ' + where;
      default: return 'Failed at ' + (run.failedStage || 'a stage') + ': ' + (run.reason || '') + ' — ' + where;
    }
  }

  let pending = [];

  function render(state) {
    last = state;
    const run = state.run;
    const buttons = [];
    const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Pipeline actions' });
    const add = (label, message, cls, disabled) => {
      buttons.push(label);
      toolbar.append(el('button', { class: cls || 'secondary', type: 'button', disabled: disabled, 'data-key': 'toolbar:' + message.type, onclick: () => send(message) }, label));
    };
    if (state.awaitingApproval) add('Deploy to Production', { type: 'approve' }, 'primary approve');
    if (state.busy) add('Cancel', { type: 'cancel' }, 'secondary');
    else add('Run Pipeline', { type: 'run' }, state.awaitingApproval ? 'secondary' : 'primary');

    const header = el('header', {},
      el('div', { class: 'mode', title: state.mode === 'delivery' ? 'Continuous delivery: production waits for approval' : 'Continuous deployment: production deploys by itself' },
        state.mode === 'delivery' ? 'Continuous delivery' : 'Continuous deployment'),
      el('p', { id: 'status', class: 'status ' + (run ? run.status : 'none'), role: 'status', 'aria-live': 'polite' }, statusText(state)),
      run && run.rollback ? el('p', { class: 'rollback ' + (run.rollback.ok ? 'ok' : 'bad'), role: 'alert' }, run.rollback.message) : undefined,
      toolbar);

    const children = [header];
    if (run) {
      if (pinnedRun !== run.runId || !run.stages.some((s) => s.id === selected)) selected = followRun(run);
      const steps = el('ol', { class: 'steps', 'aria-label': 'Stages' });
      run.stages.forEach((s, i) => {
        const isSel = s.id === selected;
        steps.append(el('li', { class: 'step ' + s.state + (isSel ? ' selected' : '') },
          el('button', {
            type: 'button',
            class: 'step-button',
            'data-stage': s.id,
            'data-key': 'stage:' + s.id,
            'aria-pressed': isSel ? 'true' : 'false',
            'aria-label': (i + 1) + '. ' + s.title + ': ' + LABELS[s.state] + (s.durationMs ? ', ' + duration(s.durationMs) : ''),
            title: s.title + ' — ' + LABELS[s.state] + (s.message ? ': ' + s.message : ''),
            onclick: () => { selected = s.id; pinnedRun = run.runId; remember(); render(last); focusStep(s.id); },
          },
          el('span', { class: 'icon', 'aria-hidden': 'true' }, ICONS[s.state] || '?'),
          el('span', { class: 'title' }, s.title),
          el('span', { class: 'duration' }, duration(s.durationMs)))));
      });
      steps.addEventListener('keydown', (e) => {
        const ids = run.stages.map((s) => s.id);
        const i = ids.indexOf(selected);
        const next = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? ids.length - 1 : -2;
        if (next === -2 || next < 0 || next >= ids.length) return;
        e.preventDefault();
        selected = ids[next];
        pinnedRun = run.runId;
        remember();
        render(last);
        focusStep(selected);
      });
      children.push(steps);

      const stage = run.stages.find((s) => s.id === selected);
      const logId = 'log-' + stage.id;
      const detail = el('section', { class: 'detail', 'aria-label': stage.title },
        el('h2', {}, stage.title, el('span', { class: 'badge ' + stage.state }, LABELS[stage.state]), stage.durationMs ? el('span', { class: 'duration' }, duration(stage.durationMs)) : undefined),
        stage.message ? el('p', { class: 'message' }, stage.message) : undefined);
      const actions = el('div', { class: 'actions' });
      if (!state.busy) {
        buttons.push('Re-run from here');
        actions.append(el('button', { type: 'button', class: 'secondary', 'data-key': 'rerun', onclick: () => send({ type: 'rerunFrom', stage: stage.id }) }, 'Re-run from here'));
      }
      if (run.fromHistory) {
        buttons.push('Open log');
        actions.append(el('button', { type: 'button', class: 'secondary', 'data-key': 'open-log', onclick: () => send({ type: 'openLog', stage: stage.id }) }, 'Open log'));
      } else {
        buttons.push(expanded ? 'Hide log' : 'Show log');
        actions.append(el('button', { type: 'button', class: 'secondary', 'data-key': 'toggle-log', 'aria-expanded': expanded ? 'true' : 'false', 'aria-controls': logId, onclick: () => { expanded = !expanded; remember(); render(last); } }, expanded ? 'Hide log' : 'Show log'));
        buttons.push('Open log');
        actions.append(el('button', { type: 'button', class: 'secondary', 'data-key': 'open-log', onclick: () => send({ type: 'openLog', stage: stage.id }) }, 'Open log'));
      }
      detail.append(actions);
      if (!run.fromHistory && expanded) {
        const more = stage.logLines > stage.log.length ? [(stage.logLines - stage.log.length) + ' earlier lines — Open log shows all'] : [];
        const text = more.concat(stage.log).join('\n') || '(no output)';
        detail.append(el('pre', { id: logId, class: 'log', tabindex: '0', 'data-key': 'log', 'aria-label': stage.title + ' log' }, text));
      }
      children.push(detail);
    } else {
      children.push(el('p', { class: 'empty' }, 'Run the pipeline to build, test and deploy this service through its stages.'));
    }

    if (pending.length > 0) {
      // Push to deploy: pushes a production cluster in delivery mode keeps for a person to approve.
      const box = el('section', { class: 'pending', 'aria-label': 'Pending promotions' }, el('h2', {}, 'Pending promotions'));
      const list = el('ul', {});
      for (const p of pending) {
        const key = p.cluster + '/' + p.stack + '/' + p.id;
        buttons.push('Approve ' + key, 'Dismiss ' + key);
        list.append(el('li', { class: 'pending-item' },
          el('span', {}, p.text),
          el('button', { type: 'button', class: 'primary', 'data-key': 'approve:' + key, 'aria-label': 'Approve: deploy ' + p.stack + ' to ' + p.cluster, onclick: () => send({ type: 'approvePromotion', cluster: p.cluster, stack: p.stack, id: p.id }) }, 'Approve'),
          el('button', { type: 'button', class: 'secondary', 'data-key': 'dismiss:' + key, 'aria-label': 'Dismiss the push of ' + p.stack + ' to ' + p.cluster, onclick: () => send({ type: 'dismissPromotion', cluster: p.cluster, stack: p.stack, id: p.id }) }, 'Dismiss')));
      }
      box.append(list);
      children.push(box);
    }

    if (state.history.length > 0) {
      const hist = el('section', { class: 'history', 'aria-label': 'Recent runs' }, el('h2', {}, 'Recent runs'));
      for (const g of state.history) {
        const list = el('ul', { 'aria-label': 'Runs on ' + g.branch });
        for (const r of g.runs) {
          const when = new Date(r.startedAt).toLocaleString();
          const where = r.failedStage ? ' at ' + r.failedStage : '';
          list.append(el('li', { class: 'run ' + r.status, title: r.reason || '' },
            el('span', { class: 'icon', 'aria-hidden': 'true' }, r.status === 'passed' ? ICONS.passed : r.status === 'failed' || r.status === 'interrupted' ? ICONS.failed : r.status === 'paused' ? ICONS['paused-for-approval'] : ICONS.cancelled),
            el('span', {}, r.version + ' ' + r.status + where),
            el('span', { class: 'when' }, when + ' · ' + duration(r.durationMs))));
        }
        hist.append(el('h3', {}, g.branch), list);
      }
      children.push(hist);
    }

    // Re-rendering replaces the DOM (up to ten times a second while a stage logs): keep the keyboard focus where it
    // was, and keep the log scrolled where the reader left it (following the end while they are at the end).
    const focused = document.activeElement && document.activeElement.getAttribute('data-key');
    const oldLog = app.querySelector('pre.log');
    const logScroll = oldLog && { id: oldLog.id, top: oldLog.scrollTop, atEnd: oldLog.scrollTop + oldLog.clientHeight >= oldLog.scrollHeight - 4 };
    app.replaceChildren(...children);
    const newLog = app.querySelector('pre.log');
    if (newLog) newLog.scrollTop = logScroll && logScroll.id === newLog.id && !logScroll.atEnd ? logScroll.top : newLog.scrollHeight;
    if (focused) {
      const again = app.querySelector('[data-key="' + focused + '"]');
      if (again) again.focus();
    }
    send({ type: 'rendered', stages: run ? run.stages.map((s) => s.id + ':' + s.state) : [], buttons });
  }

  function focusStep(id) {
    const b = app.querySelector('[data-stage="' + id + '"]');
    if (b) b.focus();
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'state') { pending = m.pending || []; render(m.state); }
  });
  send({ type: 'ready' });
})();
