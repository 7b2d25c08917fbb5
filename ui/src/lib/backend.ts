// The Tauri commands, one function each. Each returns the new view to render.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Intent, Language, LinkKind, Operation, View } from './view';

export const backend = {
  view: () => invoke<View>('wizard_view'),
  apply: (intent: Intent) => invoke<View>('wizard_apply', { intent }),
  setLanguage: (language: Language | null) => invoke<View>('set_language', { language }),
  openLink: (kind: LinkKind | null) => invoke<View>('open_install_link', { kind }),
  copyLink: (kind: LinkKind | null) => invoke<View>('copy_install_link', { kind }),
  signInStart: () => invoke<View>('sign_in_start'),
  signInCancel: () => invoke<View>('sign_in_cancel'),
  signOut: () => invoke<View>('sign_out'),
  signInErrorPasted: (address: string) => invoke<View>('sign_in_error_pasted', { address }),
  signOutForget: () => invoke<View>('sign_out_forget'),
  run: (operation: Operation) => invoke<View>('run_operation', { operation }),
  startReauthorization: () => invoke<View>('start_reauthorization'),
  saveReport: () => invoke<View>('save_report'),
  copyReport: () => invoke<View>('copy_report'),
  openWizardLink: (link: string) => invoke<View>('open_wizard_link', { link }),
  acceptWizardLink: () => invoke<View>('accept_wizard_link'),
  dismissWizardLink: () => invoke<View>('dismiss_wizard_link'),
  shareWizardLink: () => invoke<View>('share_wizard_link'),
  // Work that ends later (a sign-in in the browser) announces itself; the view is fetched again.
  onViewChanged: (refresh: () => void) => listen('view-changed', refresh),
};
