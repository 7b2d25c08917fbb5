// The playbooks' screens by id: one line per playbook, as in the engine's registry.
import type { PlaybookUi } from './types';
import { gainsight } from './gainsight';
import { hardening } from './hardening';

export const playbooks: Record<string, PlaybookUi> = { gainsight, hardening };
