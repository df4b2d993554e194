// Builds the page from API data. Every value from the API goes in as text (textContent), never as markup.

/** What a field shows: its text, or '—' when the API did not give it. */
export function show(value) {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return String(value);
}

/** An element with attributes and children; a child that is not a node becomes its text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child instanceof Node) {
      node.appendChild(child);
    } else {
      const text = document.createElement('span');
      text.textContent = show(child);
      node.appendChild(text);
    }
  }
  return node;
}

/** A table row of cells (text or nodes). */
export function row(...cells) {
  return el('tr', {}, ...cells.map((cell) => el('td', {}, cell)));
}

/** A definition list's entries: [term, value] pairs. */
export function facts(list, entries) {
  list.replaceChildren(...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

/** Shows an error's text in a role=alert element, or clears it (null). */
export function showError(element, error) {
  element.textContent = error ? error.message : '';
}

export function byId(id) {
  return document.getElementById(id);
}
