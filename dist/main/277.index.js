export const id = 277;
export const ids = [277];
export const modules = {

/***/ 277:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  configureGitCredentials: () => (/* binding */ configureGitCredentials),
  credentialConfig: () => (/* binding */ credentialConfig),
  globalConfigCandidates: () => (/* binding */ globalConfigCandidates),
  setupGitCredentials: () => (/* binding */ setupGitCredentials)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
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
 * less what holds secrets: the action's inputs (`INPUT_*`) and the tokens the
 * login command reads. Children get only what they need to run.
 */
const SECRET_VARIABLES = new Set(['BITBUCKET_CLIENT_SECRET', 'GH_TOKEN', 'GITHUB_TOKEN']);
function childEnv(env) {
    const out = {};
    for (const [name, value] of Object.entries(env)) {
        if (name.startsWith('INPUT_') || SECRET_VARIABLES.has(name))
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
function gitRunner(env) {
    return (args) => new Promise((resolve, reject) => {
        (0,external_node_child_process_.execFile)('git', args, {
            env: { ...childEnv(env), GIT_TERMINAL_PROMPT: '0' },
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
function serializeGitState(state) {
    return JSON.stringify(state);
}
/** Parses the saved state; throws with a plain message when it is not what the main step writes. */
function parseGitState(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        throw new Error('the saved state is not JSON');
    }
    const v = value;
    if (!v || typeof v !== 'object' || v.version !== 1 || typeof v.file !== 'string')
        throw new Error('the saved state has an unknown shape');
    if (!path.isAbsolute(v.file) || !CREDENTIAL_FILE.test(path.basename(v.file)))
        throw new Error('the saved state names a file the action does not write');
    if (v.configFile !== undefined && (typeof v.configFile !== 'string' || !path.isAbsolute(v.configFile)))
        throw new Error('the saved state names no usable git config file');
    return {
        version: 1,
        file: v.file,
        included: v.included === true,
        configFile: v.configFile,
        createdConfig: v.createdConfig === true,
    };
}

// EXTERNAL MODULE: ./src/shared/fs-safe.ts
var fs_safe = __webpack_require__(2774);
;// CONCATENATED MODULE: ./src/git/credentials.ts
/**
 * `git-credentials: true`: later steps' git authenticates with the access
 * token to the provider's URL (Cloud: the scheme, host and port of
 * `bitbucket-url`, as `x-token-auth`; Data Center: `{bitbucket-url}/scm/`,
 * with a Bearer header) and nothing else.
 *
 * The credential is an `http.<url>.extraheader` header in a file of
 * its own under RUNNER_TEMP (0600, a fresh name per use), which the global git
 * configuration pulls in with one `include.path` line. Git is only ever given
 * that file's path; the secret goes from Node straight into the file. The
 * state records exactly what was added, for the post step (cleanup.ts).
 */








async function setupGitCredentials(ctx) {
    await configureGitCredentials(ctx, { git: gitRunner(ctx.env), env: ctx.env, newId: external_node_crypto_.randomUUID });
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
/** The files `git config --global` may write to, in the order git considers them. */
function globalConfigCandidates(env) {
    if (env.GIT_CONFIG_GLOBAL)
        return [external_node_path_default().resolve(env.GIT_CONFIG_GLOBAL)];
    const home = env.HOME || external_node_os_default().homedir();
    const xdg = env.XDG_CONFIG_HOME || external_node_path_default().join(home, '.config');
    return [external_node_path_default().join(home, '.gitconfig'), external_node_path_default().join(xdg, 'git', 'config')];
}
/** The config file that holds `include.path = file` in the global scope, from git itself. */
async function findIncludingFile(git, file) {
    const result = await git(['config', '--global', '--null', '--show-origin', '--get-all', 'include.path']);
    if (result.code !== 0)
        return undefined;
    const fields = result.stdout.split('\0');
    for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i + 1] === file && fields[i].startsWith('file:'))
            return external_node_path_default().resolve(fields[i].slice('file:'.length));
    }
    return undefined;
}
/** `include.path = file` in the global git configuration. */
async function addInclude(git, file) {
    const args = ['config', '--global', '--add', 'include.path', file];
    let result;
    try {
        result = await git(args);
    }
    catch (err) {
        if (err instanceof GitNotFoundError) {
            throw new errors/* ActionError */.l('`git-credentials: true` needs git on PATH, and none was found. Install git in an earlier step, or drop `git-credentials`.');
        }
        throw err;
    }
    if (result.code !== 0) {
        throw new errors/* ActionError */.l(`Could not add the git credential to the global git configuration: ${describeGitFailure(args, result)}. Check that HOME (or GIT_CONFIG_GLOBAL) points to a writable place.`);
    }
}
async function configureGitCredentials(ctx, deps) {
    const { core, config, masker } = ctx;
    masker.add(ctx.accessToken);
    const credential = config.provider.gitCredential(config.bitbucketUrl, ctx.accessToken);
    for (const secret of credential.secrets)
        masker.add(secret);
    if ((0,fs_safe/* isInside */.FK)((0,fs_safe/* realPath */.Ye)(config.runnerTemp), (0,fs_safe/* realPath */.Ye)(config.workspace))) {
        throw new errors/* ActionError */.l(`RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the git credential would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop \`git-credentials\`.`);
    }
    external_node_fs_default().mkdirSync(config.runnerTemp, { recursive: true });
    const file = external_node_path_default().join(config.runnerTemp, `bitbucket-oauth-git-${deps.newId()}.gitconfig`);
    const state = { version: 1, file };
    // Saved before anything is written: if this step dies half-way, the post step still cleans up.
    core.saveState(GIT_STATE_KEY, serializeGitState(state));
    try {
        (0,fs_safe/* writeSecretFile */.AK)(file, credentialConfig(credential));
    }
    catch (err) {
        throw new errors/* ActionError */.l(`Could not create the git credential file in RUNNER_TEMP (${config.runnerTemp}): ${err.message}. Check that RUNNER_TEMP is a writable directory.`);
    }
    core.debug(`git-credentials: wrote ${file} (mode 0600)`);
    const existed = new Set(globalConfigCandidates(deps.env).filter((f) => external_node_fs_default().existsSync(f)));
    await addInclude(deps.git, file);
    state.included = true;
    const configFile = await findIncludingFile(deps.git, file);
    if (configFile) {
        state.configFile = configFile;
        state.createdConfig = !existed.has(configFile);
    }
    core.saveState(GIT_STATE_KEY, serializeGitState(state));
    core.debug(`git-credentials: include.path added to ${configFile ?? 'the global git configuration'}`);
    core.info(`Git in later steps authenticates to ${credential.url} ${credential.describe} (removed by the post step).`);
    if (credential.rewrites) {
        core.info(`Git rewrites ${credential.rewrites.insteadOf.join(' and ')} URLs to ${credential.rewrites.base} for later steps.`);
    }
}


/***/ })

};
