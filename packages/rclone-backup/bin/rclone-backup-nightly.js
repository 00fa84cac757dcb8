#!/usr/bin/env node
import '../dist/nightly-cli.js';
