export const id = 427;
export const ids = [427];
export const modules = {

/***/ 5427:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GIT_CONFIG_GLOBAL: () => (/* binding */ GIT_CONFIG_GLOBAL),
  configureGitCredentials: () => (/* binding */ configureGitCredentials),
  credentialConfig: () => (/* binding */ credentialConfig),
  setupGitCredentials: () => (/* binding */ setupGitCredentials)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/shared/child-env.ts
/**
 * The environment for a child process (git, a browser opener): the parent's,
 * less what holds secrets: the action's inputs (`INPUT_*`), the tokens the
 * login command reads, the runner's own tokens, the access token as the
 * action exports it (its default name, and the `export-env` name given in
 * `names`), and any variable whose value holds a secret (`isSecret`, the
 * masker's). Children get only what they need to run.
 */
const SECRET_VARIABLES = new Set([
    'BITBUCKET_CLIENT_SECRET',
    'BITBUCKET_ACCESS_TOKEN',
    'BITBUCKET_REFRESH_TOKEN',
    'GH_TOKEN',
    'GITHUB_TOKEN',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
]);
function childEnv(env, options = {}) {
    const names = new Set([...SECRET_VARIABLES, ...[...(options.names ?? [])].filter((n) => n !== undefined)]);
    const out = {};
    for (const [name, value] of Object.entries(env)) {
        if (name.startsWith('INPUT_') || names.has(name))
            continue;
        if (value !== undefined && options.isSecret?.(value))
            continue;
        out[name] = value;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/git/runner.ts
/**
 * Runs `git` for the action. Arguments never carry a secret (the house rule:
 * no secret on a command line); callers pass file paths and plain settings.
 */


class GitNotFoundError extends Error {
    constructor() {
        super('git was not found on PATH');
        this.name = 'GitNotFoundError';
    }
}
/** Git with `env` less its secrets (child-env.ts; `scrub` names this run's), never prompting. */
function gitRunner(env, scrub = {}) {
    const childEnvironment = { ...childEnv(env, scrub), GIT_TERMINAL_PROMPT: '0' };
    return (args) => new Promise((resolve, reject) => {
        (0,external_node_child_process_.execFile)('git', args, {
            env: childEnvironment,
            windowsHide: true,
            encoding: 'utf8',
            maxBuffer: 4 * 1024 * 1024,
            timeout: 60_000,
        }, (err, stdout, stderr) => {
            if (!err)
                return resolve({ code: 0, stdout, stderr });
            const code = err.code;
            if (code === 'ENOENT')
                return reject(new GitNotFoundError());
            if (typeof code === 'number')
                return resolve({ code, stdout, stderr });
            // Killed by the timeout or a signal: a failure like any other, described by its message.
            resolve({ code: -1, stdout, stderr: `${stderr}\n${err.message}` });
        });
    });
}
/** One line describing a failed git call, for messages (no secret is ever on argv or in our git output). */
function describeGitFailure(args, result) {
    const detail = result.stderr.trim().split(/\r?\n/).slice(-2).join(' ');
    return `\`git ${args.join(' ')}\` exited with ${result.code}${detail ? `: ${detail}` : ''}`;
}

;// CONCATENATED MODULE: ./src/git/state.ts
/**
 * What the main step added for `git-credentials`, handed to the post step
 * through `saveState`. The post step removes exactly this and nothing else.
 */

const GIT_STATE_KEY = 'git-credentials';
/** Credential files are named like this (the post step deletes nothing else). */
const CREDENTIAL_FILE = /^bitbucket-oauth-git-[0-9a-f-]{36}\.gitconfig$/;
/** The job's global configuration files are named like this. */
const GLOBAL_FILE = /^bitbucket-oauth-global-[0-9a-f-]{36}\.gitconfig$/;
function serializeGitState(state) {
    return JSON.stringify(state);
}
/**
 * Parses the saved state; throws with a plain message when it is not what the
 * main step writes. `pathApi` is the runner's (path.win32 on Windows).
 */
function parseGitState(raw, pathApi = path) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        throw new Error('the saved state is not JSON');
    }
    const v = value;
    if (!v || typeof v !== 'object' || v.version !== 2 || typeof v.file !== 'string' || typeof v.globalFile !== 'string')
        throw new Error('the saved state has an unknown shape');
    const ours = (file, name) => pathApi.isAbsolute(file) && name.test(pathApi.basename(file));
    if (!ours(v.file, CREDENTIAL_FILE) ||
        !ours(v.globalFile, GLOBAL_FILE) ||
        pathApi.dirname(v.file) !== pathApi.dirname(v.globalFile))
        throw new Error('the saved state names a file the action does not write');
    if (v.previousGlobal !== undefined &&
        (typeof v.previousGlobal !== 'string' || !pathApi.isAbsolute(v.previousGlobal) || /[\n\r]/.test(v.previousGlobal)))
        throw new Error('the saved state names no usable earlier GIT_CONFIG_GLOBAL');
    return { version: 2, file: v.file, globalFile: v.globalFile, previousGlobal: v.previousGlobal };
}

// EXTERNAL MODULE: ./src/shared/fs-safe.ts
var fs_safe = __webpack_require__(2774);
// EXTERNAL MODULE: ./src/shared/platform-path.ts
var platform_path = __webpack_require__(6096);
;// CONCATENATED MODULE: ./src/git/config-file.ts
/**
 * The job's global git configuration: a file under RUNNER_TEMP that later
 * steps' git reads instead of the user's (GIT_CONFIG_GLOBAL, git 2.32 and
 * later). It includes the user's own global configuration first, so that
 * their settings still apply, and the credential file last, so that its
 * header wins. The user's files are never written to.
 */


/** The oldest git that reads GIT_CONFIG_GLOBAL. */
const MIN_GIT_VERSION = [2, 32];
/** `[major, minor]` of `git --version`'s answer ("git version 2.45.2.windows.1"), or undefined. */
function parseGitVersion(text) {
    const m = /\bgit version (\d+)\.(\d+)/.exec(text);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}
function readsGlobalFromEnv(version) {
    const [major, minor] = MIN_GIT_VERSION;
    return version[0] > major || (version[0] === major && version[1] >= minor);
}
/**
 * A path as a quoted value of a git config file. Backslashes are escapes
 * there, so a Windows path is written with forward slashes (which Git for
 * Windows reads as well); elsewhere a backslash is a character of the name
 * and is escaped.
 */
function gitConfigPath(p, platform) {
    if (/[\n\r\0]/.test(p)) {
        throw new errors/* ActionError */.l(`The path ${JSON.stringify(p)} holds a line break, which a git configuration file cannot name. Use a RUNNER_TEMP without one, or drop \`git-credentials\`.`);
    }
    const value = platform === 'win32' ? p.replace(/\\/g, '/') : p;
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
/**
 * The user's own global configuration as git finds it, in git's order: the
 * file GIT_CONFIG_GLOBAL names when it is set (an earlier use of this action,
 * or the user's choice), else the XDG file and then `~/.gitconfig`. `~` is
 * left for git to expand in each later step (Git for Windows too), so the
 * files are the ones git itself would have read. Missing ones are skipped by
 * git.
 */
function userGlobalFiles(env, pathApi) {
    if (env.GIT_CONFIG_GLOBAL)
        return [pathApi.resolve(env.GIT_CONFIG_GLOBAL)];
    const xdg = env.XDG_CONFIG_HOME ? pathApi.join(env.XDG_CONFIG_HOME, 'git', 'config') : '~/.config/git/config';
    return [xdg, '~/.gitconfig'];
}
/** The content of the job's global configuration file: the user's files, then the credential file. */
function jobGlobalConfig(userFiles, credentialFile, platform) {
    const lines = [
        "# Written by bitbucket-oauth-action (git-credentials: true): the global git configuration of this job's later",
        "# steps (GIT_CONFIG_GLOBAL). It includes the user's own, then the credential file; the post step deletes it.",
        '[include]',
        ...[...userFiles, credentialFile].map((f) => `\tpath = ${gitConfigPath(f, platform)}`),
    ];
    return lines.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./src/git/credentials.ts
/**
 * `git-credentials: true`: later steps' git authenticates with the access
 * token to the provider's URL (Cloud: the scheme, host and port of
 * `bitbucket-url`, as `x-token-auth`; Data Center: `{bitbucket-url}/scm/`,
 * with a Bearer header) and nothing else, for this job only.
 *
 * The credential is an `http.<url>.extraheader` header in a file of its own
 * under RUNNER_TEMP (0600, a fresh name per use). A second file there becomes
 * the global git configuration of the job's later steps: it includes the
 * user's own global configuration and then the credential file
 * (config-file.ts), and GIT_CONFIG_GLOBAL names it for later steps (git 2.32
 * and later). `~/.gitconfig` is never written to, so another job sharing the
 * runner's HOME never sees this job's token. Git is only ever given paths;
 * the secret goes from Node straight into the file. The state records exactly
 * what was written, for the post step (cleanup.ts).
 */









/** The variable that points later steps' git at the job's global configuration. */
const GIT_CONFIG_GLOBAL = 'GIT_CONFIG_GLOBAL';
async function setupGitCredentials(ctx) {
    // git gets the step's environment less every secret, the exported token included.
    const git = gitRunner(ctx.env, { names: [ctx.config.exportEnv], isSecret: (v) => ctx.masker.holdsSecret(v) });
    await configureGitCredentials(ctx, { git, env: ctx.env, newId: external_node_crypto_.randomUUID, platform: process.platform });
}
/** The content of the credential file: the provider's header for its URL, and its rewrites. */
function credentialConfig(credential) {
    const lines = [
        '# Written by bitbucket-oauth-action (git-credentials: true); its post step deletes this file.',
        `[http "${credential.url}"]`,
        // The empty value resets the headers collected so far for this site, so that an
        // earlier use of the action in the same job does not add a second Authorization header.
        '\textraheader =',
        `\textraheader = ${credential.header}`,
    ];
    if (credential.rewrites) {
        lines.push(`[url "${credential.rewrites.base}"]`, ...credential.rewrites.insteadOf.map((u) => `\tinsteadOf = ${u}`));
    }
    return lines.join('\n') + '\n';
}
/** Throws unless git is on PATH and reads GIT_CONFIG_GLOBAL (2.32 or later). */
async function requireGit(git, core) {
    let result;
    try {
        result = await git(['--version']);
    }
    catch (err) {
        if (err instanceof GitNotFoundError) {
            throw new errors/* ActionError */.l('`git-credentials: true` needs git on PATH, and none was found. Install git in an earlier step, or drop `git-credentials`.');
        }
        throw err;
    }
    if (result.code !== 0)
        throw new errors/* ActionError */.l(`Could not run git: ${describeGitFailure(['--version'], result)}.`);
    const version = parseGitVersion(result.stdout);
    if (!version) {
        core.warning(`Could not tell the version of git from "${result.stdout.trim().slice(0, 80)}"; \`git-credentials\` needs git ${MIN_GIT_VERSION.join('.')} or later.`);
    }
    else if (!readsGlobalFromEnv(version)) {
        throw new errors/* ActionError */.l(`\`git-credentials: true\` needs git ${MIN_GIT_VERSION.join('.')} or later (it gives later steps a job-scoped global configuration through GIT_CONFIG_GLOBAL, which older git ignores); this runner has git ${version.join('.')}. Install a newer git in an earlier step, or drop \`git-credentials\` and use the exported token.`);
    }
}
/** Refuses a RUNNER_TEMP inside the workspace: the credential would land in it. */
function checkRunnerTemp(config, platform) {
    const temp = (0,fs_safe/* realPath */.Ye)(config.runnerTemp);
    const workspace = (0,fs_safe/* realPath */.Ye)(config.workspace);
    if ((0,platform_path/* isInsideOn */.CY)(platform, temp, workspace)) {
        throw new errors/* ActionError */.l(`RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the git credential would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop \`git-credentials\`.`);
    }
}
/** Writes a file of the action under RUNNER_TEMP (0600, never over anything), or says what to check. */
function writeFile(config, file, content) {
    try {
        (0,fs_safe/* writeSecretFile */.AK)(file, content);
    }
    catch (err) {
        throw new errors/* ActionError */.l(`Could not create ${external_node_path_default().basename(file)} in RUNNER_TEMP (${config.runnerTemp}): ${err.message}. Check that RUNNER_TEMP is a writable directory.`);
    }
}
async function configureGitCredentials(ctx, deps) {
    const { core, config, masker } = ctx;
    masker.add(ctx.accessToken);
    const credential = config.provider.gitCredential(config.bitbucketUrl, ctx.accessToken);
    for (const secret of credential.secrets)
        masker.add(secret);
    checkRunnerTemp(config, deps.platform);
    await requireGit(deps.git, core);
    const pathApi = (0,platform_path/* pathApiOf */.$U)(deps.platform);
    external_node_fs_default().mkdirSync(config.runnerTemp, { recursive: true });
    const id = deps.newId();
    const state = {
        version: 2,
        file: pathApi.join(config.runnerTemp, `bitbucket-oauth-git-${id}.gitconfig`),
        globalFile: pathApi.join(config.runnerTemp, `bitbucket-oauth-global-${id}.gitconfig`),
    };
    const userFiles = userGlobalFiles(deps.env, pathApi);
    if (deps.env.GIT_CONFIG_GLOBAL)
        state.previousGlobal = userFiles[0];
    const globalConfig = jobGlobalConfig(userFiles, state.file, deps.platform);
    // Saved before anything is written: if this step dies half-way, the post step still cleans up.
    core.saveState(GIT_STATE_KEY, serializeGitState(state));
    writeFile(config, state.file, credentialConfig(credential));
    writeFile(config, state.globalFile, globalConfig);
    core.exportVariable(GIT_CONFIG_GLOBAL, state.globalFile);
    core.debug(`git-credentials: wrote ${state.file} (mode 0600) and ${state.globalFile}, which includes ${userFiles.join(', ')} and then the credential; ${GIT_CONFIG_GLOBAL} names it for later steps`);
    core.info(`Git in later steps of this job authenticates to ${credential.url} ${credential.describe} (through ${GIT_CONFIG_GLOBAL}; ~/.gitconfig is not changed; removed by the post step).`);
    if (credential.rewrites) {
        core.info(`Git rewrites ${credential.rewrites.insteadOf.join(' and ')} URLs to ${credential.rewrites.base} for later steps.`);
    }
}


/***/ })

};
