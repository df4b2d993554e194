// The console's entry point: sign-in with an API key, sign-out, and the views, one at a time, chosen by the
// address's fragment (#gateways, #devices, #events, #join-servers).
import { api, apiKey, ApiError } from './api.js';
import { byId, showError } from './dom.js';
import * as gateways from './gateways.js';
import * as devices from './devices.js';
import * as events from './events.js';
import * as doctor from './doctor.js';

const VIEWS = { gateways, devices, events, 'join-servers': doctor };
const FIRST = 'gateways';

function showView() {
  // Object.hasOwn, not `in`: '#constructor' or '#toString' name no view.
  const name = Object.hasOwn(VIEWS, location.hash.slice(1)) ? location.hash.slice(1) : FIRST;
  for (const section of document.querySelectorAll('.view')) {
    section.hidden = section.id !== name;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === '#' + name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  VIEWS[name].open?.();
}

function signedIn(yes) {
  byId('sign-in').hidden = yes;
  byId('console').hidden = !yes;
  byId('sign-out').hidden = !yes;
  if (yes) {
    showView();
  }
}

/**
 * Any key the API authenticates signs in, whatever its scope allows (a 403 is shown where it applies); a key the
 * API refuses (401) or a server that does not answer leaves the form with the API's error.
 */
async function signIn(event) {
  event.preventDefault();
  const input = byId('api-key');
  const key = input.value.trim();
  try {
    await api('/gateways', { key });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) {
      showError(byId('sign-in-error'), error);
      return;
    }
  }
  input.value = '';
  showError(byId('sign-in-error'), null);
  apiKey.set(key);
  signedIn(true);
}

/**
 * Forgets the key and loads the page afresh, so that nothing the key was shown (events, a device, the gateways, the
 * forms' values) is left for the next key. The forms are emptied first, because a browser restores what they hold
 * on a reload.
 */
function signOut() {
  events.stop();
  for (const form of document.forms) {
    form.reset();
  }
  apiKey.clear();
  location.reload();
}

for (const view of Object.values(VIEWS)) {
  view.setUp();
}
byId('sign-in-form').addEventListener('submit', signIn);
byId('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', () => {
  if (apiKey.get()) {
    showView();
  }
});
signedIn(apiKey.get() !== null);
