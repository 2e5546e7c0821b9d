#!/usr/bin/env bash
# Starts the Bitbucket emulator in the background for the workflow's self-test jobs, registers the
# consumer named by CLIENT_ID and CLIENT_SECRET, and sets the step outputs url, apiUrl and
# refreshToken (masked).
set -euo pipefail
node emulator/cli.ts > "$RUNNER_TEMP/emulator.json" &
for _ in $(seq 50); do [ -s "$RUNNER_TEMP/emulator.json" ] && break; sleep 0.1; done
url=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).url' "$RUNNER_TEMP/emulator.json")
body=$(node -p 'JSON.stringify({ key: process.env.CLIENT_ID, secret: process.env.CLIENT_SECRET })')
refresh=$(curl -sf -X POST "$url/_emulator/consumers" -d "$body" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).refreshToken')
echo "::add-mask::$refresh"
{
  echo "url=$url"
  echo "apiUrl=$url/2.0"
  echo "refreshToken=$refresh"
} >> "$GITHUB_OUTPUT"
