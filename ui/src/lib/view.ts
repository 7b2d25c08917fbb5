// The shapes the core sends (reconnect-core's wizard_view.rs) and the intents it accepts
// (wizard.rs). The UI renders these; every rule stays in the core.

export type Language = 'en' | 'ja';
export type Step =
  | 'use_case'
  | 'region'
  | 'org'
  | 'sign_in'
  | 'oauth_user'
  | 'install'
  | 'authorize'
  | 'verify'
  | 'done';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'not_applicable';
export type Busy = 'search' | 'diagnose' | 'preview' | 'fix' | 'undo' | 'install' | 'watch' | 'verify';
export type StepStatus = 'done' | 'current' | 'todo' | 'skipped';
export type UseCase = 'data-sync' | 'embedded-ui' | 'extension-login';
export type Region = 'us1' | 'us2' | 'eu';
export type Environment =
  | 'production'
  | 'sandbox'
  | 'developer'
  | 'scratch'
  | 'demo'
  | 'patch'
  | 'trailhead'
  | 'free';
export type Confidence = 'certain' | 'likely';
export type LinkKind = 'generic' | 'my_domain';
export type HostKind =
  | 'my_domain'
  | 'lightning'
  | 'setup'
  | 'visualforce'
  | 'legacy_instance'
  | 'login_endpoint';

export interface Problem {
  what: string;
  next: string;
}

export interface StepItem {
  step: Step;
  status: StepStatus;
  reachable: boolean;
}

export interface PackageCard {
  name: string;
  status: 'available' | 'coming_soon';
  does: string;
  does_not: string;
}

export interface UseCaseOption {
  use_case: UseCase;
  title: string;
  summary: string;
  package: PackageCard;
  selected: boolean;
}

export interface RegionSummary {
  regions: string[];
  edition: string;
  tenant: string | null;
  confidence: Confidence;
  basis: string;
  chosen: boolean;
}

export interface RegionChoice {
  region: Region;
  label: string;
  edition: string;
  selected: boolean;
}

export interface OrgSummary {
  environment: Environment;
  environment_name: string;
  my_domain: string | null;
  host_kind: HostKind | null;
  confidence: Confidence;
  basis: string;
}

export interface EnvironmentChoice {
  environment: Environment;
  name: string;
  selected: boolean;
}

export type PracticeStage = 'revoked' | 'salesforce_fixed';

export interface PracticeChoice {
  stage: PracticeStage;
  name: string;
  hint: string;
  selected: boolean;
}

export interface LinkView {
  kind: LinkKind;
  url: string;
  host: string;
  recommended: boolean;
}

export interface LinksView {
  package_name: string;
  connected_app: string;
  package_version_id: string;
  environment_name: string;
  region_label: string | null;
  links: LinkView[];
  why: string;
  notes: string[];
}

export type Screen =
  | { step: 'use_case'; options: UseCaseOption[] }
  | {
      step: 'region';
      host: string | null;
      answer: RegionSummary | null;
      unknown_reason: string | null;
      choices: RegionChoice[];
    }
  | {
      step: 'org';
      host: string | null;
      answer: OrgSummary | null;
      environment_choices: EnvironmentChoice[];
      practice_choices: PracticeChoice[];
    }
  | {
      step: 'sign_in';
      target: string;
      practice: boolean;
      practice_logins: PracticeLogin[];
      waiting_url: string | null;
      signed_in: SignedInView | null;
      settings: SignInSettings;
      notes: string[];
      error_help: { intro: string; errors: string[]; paste: string };
      settings_fix: 'client_id' | 'port' | null;
      sign_out_failed: boolean;
    }
  | {
      step: 'install';
      package: PackageCard;
      links: LinksView | null;
      no_link_reason: string | null;
      unconfirmed: string[];
      api: ApiInstallView | null;
      installed: InstalledView | null;
    }
  | {
      step: 'oauth_user';
      signed_in: boolean;
      username: string | null;
      users: UserRow[] | null;
      checks: CheckView[];
      passed: boolean | null;
      plan: PlanView | null;
      done: string[];
      can_undo: boolean;
      busy: Busy | null;
    }
  | {
      step: 'authorize';
      tenant_url: string | null;
      steps: string[];
      authorize_as: string | null;
      errors: ErrorHelp[];
      started_at: string | null;
    }
  | {
      step: 'verify';
      signed_in: boolean;
      username: string | null;
      since: string | null;
      checks: CheckView[];
      passed: boolean | null;
      measured: string | null;
      report_saved: string | null;
      busy: Busy | null;
    }
  | { step: 'done'; items: ChecklistRow[] };

export interface UserRow {
  username: string;
  name: string;
  email: string;
  profile: string;
  active: boolean;
  last_login: string;
}

export interface CheckView {
  id: string;
  status: CheckStatus;
  title: string;
  explanation: string;
  evidence: string;
}

export interface PlanView {
  rows: { object: string; action: string; fields: [string, string][] }[];
  cannot_fix: string[];
}

export interface ApiInstallView {
  busy: Busy | null;
  progress: string | null;
  percent: number | null;
}

export interface InstalledView {
  ok: boolean;
  text: string;
  ui_note: string | null;
}

export interface ErrorHelp {
  error: string;
  fix: string;
}

export interface ChecklistRow {
  id: string;
  title: string;
  meaning: string;
  ticked: boolean;
}

export type Primary =
  | { action: 'next'; enabled: boolean }
  | { action: 'open_install_link' }
  | { action: 'sign_in'; waiting: boolean }
  | { action: 'start_reauthorization' }
  | { action: 'verify'; busy: boolean }
  | { action: 'none' };

export interface PracticeLogin {
  username: string;
  password: string;
}

export interface SignedInView {
  username: string;
  org_name: string;
  org_id: string;
  environment_name: string;
  organization_type: string;
  instance_name: string;
  region_label: string | null;
  region_findings: string[];
  status_url: string;
}

export interface SignInSettings {
  client_id: string;
  port: number;
}

export type Confirmation =
  | { done: 'copied'; kind: LinkKind }
  | { done: 'opened'; kind: LinkKind }
  | { done: 'report_copied' }
  | { done: 'link_copied' };

export interface PrefillView {
  verified: boolean;
  issuer: string | null;
  ticket: string | null;
}

export interface LinkChange {
  what: string;
  from: string;
  to: string;
}

export interface PendingLinkView {
  from: PrefillView;
  changes: LinkChange[];
}

export interface View {
  language: Language;
  language_choice: Language | null;
  steps: StepItem[];
  current: Step;
  screen: Screen;
  can_go_back: boolean;
  primary: Primary;
  problem: Problem | null;
  notice: Problem | null;
  confirmation: Confirmation | null;
  catalog_version: string;
  prefill: PrefillView | null;
  pending_link: PendingLinkView | null;
  shared_link: string | null;
}

export type Intent =
  | { type: 'choose_use_case'; use_case: UseCase }
  | { type: 'detect_region'; input: string }
  | { type: 'choose_region'; region: Region }
  | { type: 'detect_org'; input: string }
  | { type: 'choose_environment'; environment: Environment }
  | { type: 'choose_practice_org'; stage: PracticeStage }
  | { type: 'set_sign_in_settings'; settings: SignInSettings }
  | { type: 'choose_oauth_user'; username: string }
  | { type: 'toggle_checklist_item'; id: string }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'go_to'; step: Step }
  | { type: 'start_over' };

export type Operation =
  | { type: 'search_users'; query: string }
  | { type: 'diagnose' }
  | { type: 'preview_fix' }
  | { type: 'apply_fix' }
  | { type: 'undo' }
  | { type: 'check_package' }
  | { type: 'install_via_api' }
  | { type: 'watch_link_install' }
  | { type: 'verify' };
