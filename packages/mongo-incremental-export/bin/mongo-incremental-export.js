#!/usr/bin/env node
import '../bundle/cli-export.mjs';
