// The hardening playbook's screens, as the window's registry lists them.
import type { PlaybookUi } from '../types';
import HardeningScreen from './HardeningScreen.svelte';
import { hardeningT, headings } from './i18n';

export const hardening: PlaybookUi = {
  screen: HardeningScreen,
  heading: (step, language) => hardeningT(language)(headings[step] ?? 'h.inventory.heading'),
};
