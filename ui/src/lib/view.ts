// The shapes the core sends (reconnect-core's wizard_view.rs) and the intents it accepts
// (wizard.rs). The UI renders these; every rule stays in the core.

export type Language = 'en' | 'ja';
export type Step = 'use_case' | 'region' | 'org' | 'sign_in' | 'install';
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
      practice_selected: boolean;
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
    }
  | {
      step: 'install';
      package: PackageCard;
      links: LinksView | null;
      no_link_reason: string | null;
      unconfirmed: string[];
    };

export type Primary =
  | { action: 'next'; enabled: boolean }
  | { action: 'open_install_link' }
  | { action: 'sign_in'; waiting: boolean }
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

export type Confirmation = { done: 'copied'; kind: LinkKind } | { done: 'opened'; kind: LinkKind };

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
}

export type Intent =
  | { type: 'choose_use_case'; use_case: UseCase }
  | { type: 'detect_region'; input: string }
  | { type: 'choose_region'; region: Region }
  | { type: 'detect_org'; input: string }
  | { type: 'choose_environment'; environment: Environment }
  | { type: 'choose_practice_org' }
  | { type: 'set_sign_in_settings'; settings: SignInSettings }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'go_to'; step: Step }
  | { type: 'start_over' };
