#!/usr/bin/env node
import '../bundle/nightly-cli.mjs';
