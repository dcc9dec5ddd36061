#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm run build); this file exists so npm can link the command at install time.
import '../dist/cli.js';
