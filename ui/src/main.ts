// The first view is asked for before the window's code is loaded: the core's answer and the
// loading of the screens overlap, and the first screen paints as soon as both are there.
import { invoke } from '@tauri-apps/api/core';
import type { View } from './generated/View';
import './app.css';

const first = invoke<View>('view');
const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
void import('./start').then(({ start }) => start(target, first));
