// The Zendesk playbook's screens, as the window's registry lists them.
import type { PlaybookUi } from '../types';
import ZendeskScreen from './ZendeskScreen.svelte';
import { zendeskT, headings } from './i18n';

export const zendesk: PlaybookUi = {
  screen: ZendeskScreen,
  heading: (step, language) => zendeskT(language)(headings[step] ?? 'z.account.heading'),
};
