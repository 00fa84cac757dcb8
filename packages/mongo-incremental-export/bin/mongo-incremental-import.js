#!/usr/bin/env node
import '../bundle/cli-import.mjs';
