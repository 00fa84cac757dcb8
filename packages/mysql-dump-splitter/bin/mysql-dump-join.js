#!/usr/bin/env node
import '../bundle/join-cli.mjs';
