// The playbooks' screens by id: one line per playbook, as in the engine's registry.
import type { PlaybookUi } from './types';
import { gainsight } from './gainsight';
import { hardening } from './hardening';
import { readiness } from './readiness';
import { zendesk } from './zendesk';

export const playbooks: Record<string, PlaybookUi> = { gainsight, hardening, readiness, zendesk };
