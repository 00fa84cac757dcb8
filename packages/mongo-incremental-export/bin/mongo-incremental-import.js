#!/usr/bin/env node
import '../dist/cli-import.js';
