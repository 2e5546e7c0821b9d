#!/usr/bin/env node
/** The `bitbucket-oauth` command. */
process.stderr.write('bitbucket-oauth: login is not implemented yet\n')
process.exitCode = 2
