#!/usr/bin/env node
import '../bundle/keys-cli.mjs';
