#!/usr/bin/env node
// Starts the proxy's Node server; configuration comes from the environment (see README).
import '../dist/proxy/cli.js';
