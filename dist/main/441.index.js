export const id = 441;
export const ids = [441];
export const modules = {

/***/ 9441:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PACKAGE_MANAGERS: () => (/* reexport */ names/* PACKAGE_MANAGERS */.A),
  configurePackageManagers: () => (/* binding */ configurePackageManagers),
  parsePackageManagers: () => (/* reexport */ names/* parsePackageManagers */.s),
  setupPackageManagers: () => (/* binding */ setupPackageManagers)
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
// EXTERNAL MODULE: ./src/shared/fs-safe.ts
var fs_safe = __webpack_require__(2774);
;// CONCATENATED MODULE: ./src/package-managers/bundler.ts
/**
 * `bundler`: Bundler clones `git:` sources with the git command, so the git
 * credential is all it needs. Its own host credentials
 * (`BUNDLE_BITBUCKET__ORG=user:password`) would be put into the URL of that
 * `git clone`, i.e. on a command line, so none are set.
 */
const BUNDLER_NOTE = 'Bundler clones git: sources with git, which has the credential';

;// CONCATENATED MODULE: ./src/package-managers/cargo.ts
/**
 * `cargo`: by default Cargo fetches git dependencies with libgit2, which asks
 * only git's credential helpers and ignores `http.<url>.extraheader` (the git
 * credential of `git-credentials`). `CARGO_NET_GIT_FETCH_WITH_CLI=true` makes
 * it run the git command instead, which sends the credential.
 */
function cargoVariables() {
    return { CARGO_NET_GIT_FETCH_WITH_CLI: 'true' };
}

// EXTERNAL MODULE: ./src/package-managers/composer.ts
var composer = __webpack_require__(6605);
;// CONCATENATED MODULE: ./src/package-managers/go.ts
/**
 * `go`: the site's host name joins `GOPRIVATE`, so that the go command fetches
 * those modules directly with git (and its credentials) instead of through
 * the public module proxy, and does not look them up in the checksum
 * database. GOPRIVATE patterns match module paths, which never hold a port,
 * so the entry is the bare host name.
 *
 * The go command reads a variable from the environment when it is non-empty,
 * else from its configuration file (`go env -w`, the file `GOENV` names or
 * `<user config dir>/go/env`), so the value already there is taken from the
 * same places and kept. When `GONOPROXY` or `GONOSUMDB` is set, GOPRIVATE no
 * longer feeds it, so the host joins that one too.
 */


/** The go command's configuration file (os.UserConfigDir()/go/env unless GOENV says otherwise); undefined for `GOENV=off`. */
function goEnvFile(env, home, platform = process.platform) {
    if (env.GOENV)
        return env.GOENV === 'off' ? undefined : env.GOENV;
    if (platform === 'win32')
        return env.AppData || env.APPDATA ? external_node_path_default().join(env.AppData || env.APPDATA, 'go', 'env') : undefined;
    if (platform === 'darwin')
        return external_node_path_default().join(home, 'Library', 'Application Support', 'go', 'env');
    const xdg = env.XDG_CONFIG_HOME;
    return external_node_path_default().join(xdg && external_node_path_default().isAbsolute(xdg) ? xdg : external_node_path_default().join(home, '.config'), 'go', 'env');
}
/** `KEY=VALUE` lines of a go env file, as the go command reads them. */
function parseGoEnvFile(text) {
    const vars = {};
    for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (line === '' || line.startsWith('#') || eq < 0)
            continue;
        vars[line.slice(0, eq)] = line.slice(eq + 1).replace(/\r$/, '');
    }
    return vars;
}
function readGoEnvFile(file) {
    if (!file)
        return {};
    try {
        return parseGoEnvFile(external_node_fs_default().readFileSync(file, 'utf8'));
    }
    catch {
        return {};
    }
}
/** A comma-separated pattern list with `host` added (unless it is there already). */
function withPattern(list, host) {
    const entries = list
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
    return entries.includes(host) ? entries.join(',') : [...entries, host].join(',');
}
/** The variables to export: GOPRIVATE, and GONOPROXY/GONOSUMDB where the user set them. */
function goVariables(site, env, fileVars) {
    const current = (name) => env[name] || fileVars[name] || '';
    const host = site.hostname;
    const out = { GOPRIVATE: withPattern(current('GOPRIVATE'), host) };
    for (const name of ['GONOPROXY', 'GONOSUMDB']) {
        if (current(name))
            out[name] = withPattern(current(name), host);
    }
    return out;
}
/**
 * What the go command needs besides GOPRIVATE: how a module is named where
 * the provider says (`hint`, given the site's host and context path); and a
 * site on port 443, since a module path never holds a port.
 */
function goNotes(site, hint) {
    const info = hint ? ` ${hint(`${site.hostname}${site.pathname.replace(/\/+$/, '')}`)}` : '';
    if (!site.port)
        return { info };
    return {
        info,
        warning: `package-managers: go: a module path cannot hold a port, so the go command fetches modules under ${site.hostname} from https://${site.hostname}/ (port 443), not from ${site.origin}/, where git has the credential. In an earlier step, have git rewrite the URLs: git config --global url."${site.origin}/".insteadOf "https://${site.hostname}/" (or serve Bitbucket on port 443).`,
    };
}

;// CONCATENATED MODULE: ./src/package-managers/npm.ts
/**
 * `npm`: npm (and yarn classic, pnpm) send `//host[:port]/:_authToken` as a
 * Bearer token to every URL on that host and port (the key holds no scheme),
 * e.g. the tarball `https://bitbucket.org/{ws}/{repo}/get/{commit}.tar.gz`
 * that npm downloads for a `bitbucket:` or `git+https://bitbucket.org/…`
 * dependency instead of cloning it.
 *
 * npm reads such a key only from a configuration file: an `npm_config_//…`
 * environment variable does not survive `/bin/sh` (dash drops names with `/`).
 * The project's `.npmrc` is the user's, and `NPM_CONFIG_USERCONFIG` replaces
 * `~/.npmrc` entirely, so the new user configuration under RUNNER_TEMP starts
 * with the key and then carries the user's own file over line for line
 * (`${…}` references stay unexpanded: npm expands them when it reads the
 * file). The user's file is only read, never written.
 */



/** The npm configuration key that holds the token for the site. */
function npmAuthKey(site) {
    return `//${site.host}/:_authToken`;
}
/** Where npm finds its user configuration in this environment: `npm_config_userconfig` (any case), else `~/.npmrc`. */
function npmUserConfig(env, home, cwd = process.cwd()) {
    const variables = Object.keys(env).filter((k) => k.toLowerCase() === 'npm_config_userconfig');
    // Like npm: empty values are skipped and, of several spellings, the last one in the environment wins.
    const set = variables.filter((k) => env[k] !== '');
    const value = set.length ? env[set[set.length - 1]] : undefined;
    let file;
    if (value === undefined)
        file = external_node_path_default().join(home, '.npmrc');
    else if (value === '~' || value.startsWith('~/'))
        file = external_node_path_default().join(home, value.slice(1));
    else
        file = external_node_path_default().resolve(cwd, value);
    return { file, variables };
}
/** The user's configuration file, or '' when it does not exist. */
function readNpmUserConfig(file) {
    try {
        return external_node_fs_default().readFileSync(file, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return '';
        throw new errors/* ActionError */.l(`\`package-managers: npm\` could not read your npm user configuration ${file} (${err.code ?? err.message}), which it must carry over into the configuration it writes. Make the file readable, or point NPM_CONFIG_USERCONFIG elsewhere.`);
    }
}
/** The ini key of a line, as npm's parser reads it (undefined for comments, sections and blank lines). */
function iniKey(line) {
    const trimmed = line.trim();
    if (trimmed === '' || /^[;#[]/.test(trimmed))
        return undefined;
    const eq = trimmed.indexOf('=');
    return (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim();
}
/**
 * The new user configuration: the token key first (a key after a user's
 * `[section]` would land in that section), then the user's lines; a user's
 * line for the same key is commented out, since a later duplicate would win.
 */
function npmrcContent(userConfig, site, accessToken) {
    if (/[\r\n]/.test(accessToken))
        throw new errors/* ActionError */.l('The access token holds a line break; it cannot be written for npm.');
    const key = npmAuthKey(site);
    const lines = [
        '# Written by bitbucket-oauth-action (package-managers: npm); its post step deletes this file.',
        `# npm sends this token to ${site.protocol}//${site.host}/ (any path on that host and port):`,
        `${key}=${accessToken}`,
    ];
    if (userConfig.content !== '') {
        lines.push(`# Carried over from ${userConfig.file}, which stays as it is:`);
        const user = userConfig.content.replace(/\r?\n$/, '').split(/\r?\n/);
        for (const line of user)
            lines.push(iniKey(line) === key ? `; (set by the action above) ${line}` : line);
    }
    return lines.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./src/package-managers/pip.ts
/**
 * `pip`: pip, pipenv and uv clone `git+https://…` (and, through the SSH
 * rewrite for bitbucket.org, `git+ssh://…`) dependencies with the git
 * command, so the git credential is all they need: nothing else is set.
 */
const PIP_NOTE = 'pip, pipenv and uv clone git+https:// dependencies with git, which has the credential';

;// CONCATENATED MODULE: ./src/package-managers/poetry.ts
/**
 * `poetry`: Poetry clones git dependencies with dulwich, which ignores git's
 * configuration (some versions retry with the git command after a 401). The
 * system git client sends the git credential: `POETRY_SYSTEM_GIT_CLIENT`
 * (Poetry 2) and `POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT` (Poetry 1.2 to 1.8).
 */
function poetryVariables() {
    return { POETRY_SYSTEM_GIT_CLIENT: 'true', POETRY_EXPERIMENTAL_SYSTEM_GIT_CLIENT: 'true' };
}

;// CONCATENATED MODULE: ./src/package-managers/state.ts
/**
 * What `package-managers` wrote, handed to the post step through `saveState`.
 * The post step deletes exactly these files and nothing else. (Variables
 * exported for later steps cannot be taken back; they stay, naming files that
 * are gone or holding a token that no tool is given any more.)
 */

const PACKAGE_MANAGERS_STATE_KEY = 'package-managers';
/** Files the action writes for package managers are named like this (the post step deletes nothing else). */
const PACKAGE_MANAGER_FILE = /^bitbucket-oauth-npm-[0-9a-f-]{36}\.npmrc$/;
function serializePackageManagersState(state) {
    return JSON.stringify(state);
}
/** Parses the saved state; throws with a plain message when it is not what the main step writes. */
function parsePackageManagersState(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        throw new Error('the saved state is not JSON');
    }
    const v = value;
    if (!v || typeof v !== 'object' || v.version !== 1 || !Array.isArray(v.files))
        throw new Error('the saved state has an unknown shape');
    for (const f of v.files) {
        if (typeof f !== 'string' || !path.isAbsolute(f) || !PACKAGE_MANAGER_FILE.test(path.basename(f)))
            throw new Error('the saved state names a file the action does not write');
    }
    return { version: 1, files: v.files };
}

// EXTERNAL MODULE: ./src/package-managers/names.ts
var names = __webpack_require__(731);
;// CONCATENATED MODULE: ./src/package-managers/index.ts
/**
 * `package-managers`: later steps' package managers fetch private
 * dependencies from the scheme, host and port of `bitbucket-url` with the
 * access token, each keyed the way that tool looks credentials up (one module
 * per tool). Runs after the git credentials, which every one of them relies on
 * for what it clones with git.
 *
 * Files go under RUNNER_TEMP only (0600, a fresh name per use) and are
 * recorded in the state before they are written, for the post step
 * (cleanup.ts). Variables are exported for later steps with
 * `core.exportVariable`; the token in them is masked first.
 */















async function setupPackageManagers(ctx) {
    configurePackageManagers(ctx, {
        env: ctx.env,
        home: ctx.env.HOME || external_node_os_default().homedir(),
        platform: process.platform,
        newId: external_node_crypto_.randomUUID,
    });
}
const describe = (vars) => Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const SETUP = {
    npm: setupNpm,
    pip: ({ ctx }) => ctx.core.info(`pip: ${PIP_NOTE}.`),
    go: ({ ctx, deps, site, exportVariables }) => {
        const vars = goVariables(site, deps.env, readGoEnvFile(goEnvFile(deps.env, deps.home, deps.platform)));
        exportVariables(vars);
        const notes = goNotes(site, ctx.config.provider.packageManagers.goModuleHint);
        ctx.core.info(`go: ${describe(vars)} (modules under ${site.hostname} are fetched with git, past the public proxy and checksum database).${notes.info}`);
        if (notes.warning)
            ctx.core.warning(notes.warning);
    },
    cargo: ({ ctx, exportVariables }) => {
        const vars = cargoVariables();
        exportVariables(vars);
        ctx.core.info(`cargo: ${describe(vars)} (git dependencies are fetched with git, which has the credential).`);
    },
    composer: ({ ctx, deps, site, token, exportVariables }) => {
        // The value holds the token, which is masked, so the runner masks it inside the value too; the rest of
        // the value is the user's own, as they passed it in.
        const form = ctx.config.provider.packageManagers.composerAuth;
        exportVariables({ COMPOSER_AUTH: (0,composer/* composerAuth */.hW)((0,composer/* readComposerAuth */.LJ)(deps.env), site, token, form) });
        ctx.core.info(form === 'bearer'
            ? `composer: COMPOSER_AUTH (masked) has a bearer entry for "${(0,composer/* composerAuthKey */.um)(site)}" with the token, besides the entries it had.`
            : `composer: COMPOSER_AUTH (masked) has http-basic for "${(0,composer/* composerAuthKey */.um)(site)}" with the user x-token-auth and the token, besides the entries it had.`);
    },
    bundler: ({ ctx }) => ctx.core.info(`bundler: ${BUNDLER_NOTE}.`),
    poetry: ({ ctx, exportVariables }) => {
        const vars = poetryVariables();
        exportVariables(vars);
        ctx.core.info(`poetry: ${describe(vars)} (git dependencies are cloned with git, which has the credential).`);
    },
};
function configurePackageManagers(ctx, deps) {
    ctx.masker.add(ctx.accessToken);
    const setup = {
        ctx,
        deps,
        state: { version: 1, files: [] },
        site: ctx.config.bitbucketUrl,
        token: ctx.accessToken,
        exportVariables: (vars) => {
            for (const [name, value] of Object.entries(vars))
                ctx.core.exportVariable(name, value);
        },
    };
    for (const name of ctx.config.packageManagers)
        SETUP[name](setup);
}
/** npm: a user configuration under RUNNER_TEMP with the site's token first, then the user's own lines. */
function setupNpm({ ctx, deps, state, site, token, exportVariables }) {
    const { core, config } = ctx;
    if ((0,fs_safe/* isInside */.FK)(config.runnerTemp, config.workspace)) {
        throw new errors/* ActionError */.l(`RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the npm configuration with the token would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop npm from \`package-managers\`.`);
    }
    const user = npmUserConfig(deps.env, deps.home, config.workspace);
    const content = npmrcContent({ file: user.file, content: readNpmUserConfig(user.file) }, site, token);
    external_node_fs_default().mkdirSync(config.runnerTemp, { recursive: true });
    const file = external_node_path_default().join(config.runnerTemp, `bitbucket-oauth-npm-${deps.newId()}.npmrc`);
    state.files.push(file);
    // Saved before the file exists: if this step dies half-way, the post step still deletes it.
    core.saveState(PACKAGE_MANAGERS_STATE_KEY, serializePackageManagersState(state));
    try {
        (0,fs_safe/* writeSecretFile */.AK)(file, content);
    }
    catch (err) {
        throw new errors/* ActionError */.l(`Could not create the npm configuration in RUNNER_TEMP (${config.runnerTemp}): ${err.message}. Check that RUNNER_TEMP is a writable directory.`);
    }
    core.debug(`package-managers: wrote ${file} (mode 0600)`);
    const variables = [...new Set(['NPM_CONFIG_USERCONFIG', ...user.variables])];
    exportVariables(Object.fromEntries(variables.map((v) => [v, file])));
    core.info(`npm: later steps read ${file} as their user configuration (${variables.join(', ')}): the token for ${npmAuthKey(site).replace(/:_authToken$/, '')}, then the lines of ${user.file}${external_node_fs_default().existsSync(user.file) ? '' : ' (none: it does not exist)'}. Run actions/setup-node before this step, not after.`);
}


/***/ })

};
