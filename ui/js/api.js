// The only door to the core: Tauri's invoke. Errors arrive as { code, message, fields }.

export async function call(command, args = {}) {
  const tauri = window.__TAURI__;
  if (!tauri?.core?.invoke) {
    throw { code: 'no_backend', message: 'GrantDesk must run in its window', fields: [] };
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e) throw e;
    throw { code: 'ipc', message: String(e), fields: [] };
  }
}

/**
 * A button that asks for a file in the system's dialog (the shell opens it and reads the
 * file; the page never sees a path) and hands `{ name, data }` to `chosen`. Nothing happens
 * when the dialog is cancelled. `kind`: 'sheet' (CSV or XLSX) or 'pdf'.
 */
export function fileButton(h, { label, test, kind, chosen, onError }) {
  const b = h('button', { type: 'button', 'data-test': test, onclick: async () => {
    b.disabled = true;
    try {
      const file = await call('choose_file', { kind });
      if (file) await chosen(file);
    } catch (e) {
      onError(e);
    } finally {
      b.disabled = false;
    }
  } }, label);
  return b;
}
