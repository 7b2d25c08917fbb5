// Mounts the window's code with the first view already asked for (see `main.ts`).
import { mount } from 'svelte';
import App from './App.svelte';
import type { View } from './generated/View';

export function start(target: HTMLElement, first: Promise<View>) {
  mount(App, { target, props: { first } });
}
