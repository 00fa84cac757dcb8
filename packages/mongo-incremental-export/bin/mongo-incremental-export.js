#!/usr/bin/env node
import '../dist/cli-export.js';
