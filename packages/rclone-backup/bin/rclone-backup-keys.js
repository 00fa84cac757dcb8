#!/usr/bin/env node
import '../dist/keys-cli.js';
