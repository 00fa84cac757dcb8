#!/usr/bin/env node
import '../dist/join-cli.js';
