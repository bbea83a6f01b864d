#!/usr/bin/env node
// The `vigil` shell.
import { launch } from './launch.mjs';
await launch('vigil', 'crm-shell/main.js');
