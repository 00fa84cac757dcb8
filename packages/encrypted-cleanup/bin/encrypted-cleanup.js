#!/usr/bin/env node
import '../bundle/cli.mjs';
