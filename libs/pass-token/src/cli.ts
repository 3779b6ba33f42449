#!/usr/bin/env node
// Thin process wrapper: all behaviour lives in runInspect, which the tests run in-process.
import { runInspect } from './inspect-command.js';

process.exitCode = runInspect(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
