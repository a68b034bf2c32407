// A button that asks the core for one change: disabled while it runs, the view redrawn
// after, a refusal shown as the core wrote it.

import { h } from './dom.js';

export function doButton(app, label, test, work, redraw, extra = {}) {
  const b = h('button', { 'data-test': test, ...extra, onclick: async () => {
    b.disabled = true;
    try {
      await work();
      app.clearMessages();
      await redraw();
    } catch (e) {
      app.error(e);
      b.disabled = false;
    }
  } }, label);
  return b;
}
