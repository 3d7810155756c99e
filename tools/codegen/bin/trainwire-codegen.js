#!/usr/bin/env node
// Runs the compiled CLI; a committed, executable shim so the bin works before and after `tsc`.
import '../dist/cli.js';
