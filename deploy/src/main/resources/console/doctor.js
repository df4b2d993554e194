// The join-server doctor: what a join-request of a JoinEUI would meet, step by step, as the server checks it.
import { api, path, query } from './api.js';
import { byId, el, showError } from './dom.js';
import { Latest } from './latest.js';

const requests = new Latest();

function render(report) {
  const verdict = report.join_would_work ? 'A join would work.' : 'A join would fail.';
  const steps = (report.steps || []).map((step) => {
    const findings = (step.findings || []).map((finding) =>
      el('li', { class: 'finding-' + finding.verdict }, el('strong', {}, finding.verdict), ' ', finding.text));
    return el('section', {}, el('h3', {}, step.step),
      findings.length > 0 ? el('ul', {}, ...findings) : el('p', {}, 'nothing to check at this step'));
  });
  byId('doctor-report').replaceChildren(
    el('p', { class: report.join_would_work ? 'verdict-pass' : 'verdict-fail', id: 'doctor-verdict' },
      'JoinEUI ', report.join_eui, ': ', verdict),
    ...steps);
}

export function setUp() {
  byId('doctor-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = requests.next();
    byId('doctor-report').replaceChildren();
    try {
      const report = await api('/join-servers/check' + path(byId('doctor-join-eui').value.trim())
        + query({ dev_eui: byId('doctor-dev-eui').value.trim() }));
      if (requests.isCurrent(token)) {
        render(report);
        showError(byId('doctor-error'), null);
      }
    } catch (error) {
      if (requests.isCurrent(token)) {
        showError(byId('doctor-error'), error);
      }
    }
  });
}
