#!/usr/bin/env node
// The node daemon.
import { launch } from './launch.mjs';
await launch('vigild', 'daemon/main.js');
