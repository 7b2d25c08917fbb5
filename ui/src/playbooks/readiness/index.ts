// The readiness playbook's screens, as the window's registry lists them.
import type { PlaybookUi } from '../types';
import ReadinessScreen from './ReadinessScreen.svelte';
import { readinessT, headings } from './i18n';

export const readiness: PlaybookUi = {
  screen: ReadinessScreen,
  heading: (step, language) => readinessT(language)(headings[step] ?? 'r.status.heading'),
};
