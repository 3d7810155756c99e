#!/usr/bin/env node
/// <reference types="node" />
import { exitQuietlyOnBrokenPipe, processIo } from '@trainwire/cli-kit';
import { runCli } from './run-cli.js';

exitQuietlyOnBrokenPipe();
process.exitCode = await runCli(process.argv.slice(2), await processIo());
