// The playbooks' screens by id: one line per playbook, as in the engine's registry. Each is
// loaded the first time its playbook is shown, so the home screen paints without them.
import type { PlaybookUi } from './types';

const loaders: Record<string, () => Promise<PlaybookUi>> = {
  gainsight: () => import('./gainsight').then((m) => m.gainsight),
  hardening: () => import('./hardening').then((m) => m.hardening),
  readiness: () => import('./readiness').then((m) => m.readiness),
  zendesk: () => import('./zendesk').then((m) => m.zendesk),
};

const loaded: Record<string, PlaybookUi> = {};

/** The screens of playbook `id`, loading them once; `undefined` for an unknown id. */
export async function loadPlaybook(id: string): Promise<PlaybookUi | undefined> {
  if (!loaded[id] && loaders[id]) loaded[id] = await loaders[id]();
  return loaded[id];
}

/** The screens of playbook `id` when they are loaded. */
export function loadedPlaybook(id: string): PlaybookUi | undefined {
  return loaded[id];
}
