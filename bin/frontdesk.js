#!/usr/bin/env node
// The package's command. The TypeScript sources run through tsx's loader, so a fresh
// clone needs no build step before `npm start` or `npx frontdesk`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
