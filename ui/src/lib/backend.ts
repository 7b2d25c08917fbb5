// The Tauri commands, one function each. Each returns the new view to render.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Intent } from '../generated/Intent';
import type { Language } from '../generated/engine/Language';
import type { View } from '../generated/View';

export const backend = {
  view: () => invoke<View>('view'),
  apply: (intent: Intent) => invoke<View>('apply', { intent }),
  setLanguage: (language: Language | null) => invoke<View>('set_language', { language }),
  signInStart: () => invoke<View>('sign_in_start'),
  signInCancel: () => invoke<View>('sign_in_cancel'),
  signOut: () => invoke<View>('sign_out'),
  signInErrorPasted: (address: string) => invoke<View>('sign_in_error_pasted', { address }),
  signOutForget: () => invoke<View>('sign_out_forget'),
  // An operation of the playbook on screen, in that playbook's shape.
  run: (operation: unknown) => invoke<View>('run_operation', { operation }),
  saveReport: () => invoke<View>('save_report'),
  copyReport: () => invoke<View>('copy_report'),
  // The signed-in org's Trust status, read in the background.
  refreshTrust: () => invoke<View>('refresh_trust'),
  zendeskPractice: () => invoke<View>('zendesk_practice'),
  // Diagnostics for support: the text to preview, then a copy of exactly that text.
  diagnosticsPreview: () => invoke<string>('diagnostics_preview'),
  diagnosticsCopy: () => invoke<boolean>('diagnostics_copy'),
  openWizardLink: (link: string) => invoke<View>('open_wizard_link', { link }),
  acceptWizardLink: () => invoke<View>('accept_wizard_link'),
  dismissWizardLink: () => invoke<View>('dismiss_wizard_link'),
  shareWizardLink: () => invoke<View>('share_wizard_link'),
  // Work that ends later (a sign-in in the browser) announces itself; the view is fetched again.
  onViewChanged: (refresh: () => void) => listen('view-changed', refresh),
};
