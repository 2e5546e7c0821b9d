#!/usr/bin/env node
var __webpack_exports__ = {};
/** The `bitbucket-oauth` command. */
process.stderr.write('bitbucket-oauth: login is not implemented yet\n');
process.exitCode = 2;


