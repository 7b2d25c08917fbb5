// The Gainsight playbook's screens, as the window's registry lists them.
import type { PlaybookUi } from '../types';
import GainsightScreen from './GainsightScreen.svelte';
import { gainsightT, headings } from './i18n';

export const gainsight: PlaybookUi = {
  screen: GainsightScreen,
  heading: (step, language) => gainsightT(language)(headings[step] ?? 'usecase.heading'),
};
