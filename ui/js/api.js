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
