// What the window needs from a playbook's screens: the component that renders its own steps
// (it receives the engine's screen JSON, typed by the playbook's generated types) and the
// heading of each of its steps.
import type { Component } from 'svelte';
import type { Language } from '../generated/engine/Language';

/** What the window lends a playbook's screen. */
export type PlaybookProps = {
  screen: unknown;
  language: Language;
  busy: boolean;
  /** Sends one of the playbook's intents. */
  send: (intent: unknown) => void;
  /** Starts one of the playbook's long operations. */
  run: (operation: unknown) => void;
  /** Goes on to the next step. */
  next: () => void;
  /** Saves and copies the report; where it was saved. */
  saveReport: () => void;
  copyReport: () => void;
  reportSaved: string | null;
  /** Reads the signed-in org's Trust status again. */
  refreshTrust: () => void;
  /** Starts the practice Zendesk and points the Zendesk playbook at it. */
  practiceZendesk: () => void;
};

export type PlaybookUi = {
  screen: Component<PlaybookProps>;
  heading: (step: string, language: Language) => string;
};
