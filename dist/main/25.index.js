export const id = 25;
export const ids = [25];
export const modules = {

/***/ 7025:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GITHUB_API_VERSION: () => (/* binding */ GITHUB_API_VERSION),
  saveSecret: () => (/* binding */ saveSecret),
  secretScope: () => (/* binding */ secretScope)
});

// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(8382);
// EXTERNAL MODULE: ./src/net/errors.ts
var net_errors = __webpack_require__(3688);
// EXTERNAL MODULE: ./src/net/url.ts
var net_url = __webpack_require__(486);
// EXTERNAL MODULE: ./src/github/secret-target.ts
var secret_target = __webpack_require__(4017);
;// CONCATENATED MODULE: ./src/github/sealed-box.ts
/**
 * Encryption for GitHub secrets: a libsodium sealed box (X25519 +
 * XSalsa20-Poly1305, anonymous sender) to the scope's public key, as GitHub's
 * REST API requires, with libsodium-wrappers (libsodium compiled to
 * WebAssembly). It is imported dynamically, so it is evaluated and
 * initialised only when a secret is actually saved. `webpackMode: "eager"`
 * keeps it inside the one bundle file: a separate ncc chunk would make ncc
 * overwrite dist/main/licenses.txt with the chunk's licenses only.
 */

let loading;
/** libsodium, loaded and initialised once. */
function loadSodium() {
    loading ??= Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 4768)).then(async (mod) => {
        // The ESM build has named exports and a default export; a bundler may hand either.
        const sodium = mod.default ?? mod;
        await sodium.ready;
        return sodium;
    });
    return loading;
}
/**
 * Seals `value` (UTF-8) to a Curve25519 public key given in standard Base64,
 * and returns the sealed box in standard Base64 (GitHub's `encrypted_value`).
 */
async function sealBase64(value, publicKeyBase64) {
    const sodium = await loadSodium();
    let key;
    try {
        key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
    }
    catch {
        throw new errors/* ActionError */.l('GitHub returned a public key that is not Base64; check that `github-api-url` is the GitHub REST API root.');
    }
    if (key.length !== sodium.crypto_box_PUBLICKEYBYTES) {
        throw new errors/* ActionError */.l(`GitHub returned a public key of ${key.length} bytes, not ${sodium.crypto_box_PUBLICKEYBYTES}; check that \`github-api-url\` is the GitHub REST API root.`);
    }
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
    return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}

// EXTERNAL MODULE: ./src/shared/format.ts
var format = __webpack_require__(6338);
// EXTERNAL MODULE: ./src/shared/wording.ts
var shared_wording = __webpack_require__(8273);
;// CONCATENATED MODULE: ./src/github/secrets.ts
/**
 * Writes a GitHub Actions secret (repository, environment or organization)
 * through GitHub's REST API: fetch the scope's public key, seal the value to
 * it (libsodium sealed box, see sealed-box.ts), PUT it.
 *
 *   saveSecret(http, target, value, debug, wording)
 *
 * - `http`: the shared HttpClient (retries 5xx/429/network faults; http only
 *   to loopback hosts, which is how tests point it at emulator/github/).
 * - `target`: a SecretTarget (secret-target.ts): `name`, `repository`
 *   (`owner/repo`, unused for an organization secret), `environment`,
 *   `organization`, `githubToken`, `githubApiUrl` (REST root, e.g.
 *   https://api.github.com or https://ghes.example/api/v3).
 * - `wording`: how the messages name the token, the API root and the secret
 *   name (the action's inputs or the command's options).
 * - An organization secret that exists keeps its visibility and, for
 *   `selected`, its selected repositories; a new one gets `private`.
 * - Failures reject with an ActionError whose message says what the token
 *   lacks (401/403/404) and never contains the token, the value or the
 *   sealed value. The caller adds "the new refresh token was NOT saved".
 */







const GITHUB_API_VERSION = '2022-11-28';
const segment = (s) => encodeURIComponent(s);
function secretScope(target) {
    const label = (0,secret_target/* secretPlace */.M)(target);
    if (target.organization) {
        return { kind: 'organization', collection: `orgs/${segment(target.organization)}/actions/secrets`, label };
    }
    const [owner = '', repo = ''] = (target.repository ?? '').split('/');
    const repoPath = `repos/${segment(owner)}/${segment(repo)}`;
    if (target.environment) {
        return { kind: 'environment', collection: `${repoPath}/environments/${segment(target.environment)}/secrets`, label };
    }
    return { kind: 'repository', collection: `${repoPath}/actions/secrets`, label };
}
const saveSecret = async (http, target, value, debug, wording) => {
    const scope = secretScope(target);
    const api = new GitHubApi(http, target, scope, wording);
    const key = await api.call('GET', `${scope.collection}/public-key`, 'read the public key of');
    const keyId = key.json?.key_id;
    const publicKey = key.json?.key;
    if ((typeof keyId !== 'string' && typeof keyId !== 'number') || typeof publicKey !== 'string') {
        throw new errors/* ActionError */.l(`GitHub's answer for the public key of ${scope.label} has no key_id and key; check that ${wording.githubApiUrl.name} (${target.githubApiUrl.href}) is the GitHub REST API root.`);
    }
    debug(`GitHub secret ${target.name}: public key ${keyId} of ${scope.label}`);
    const body = {};
    if (scope.kind === 'organization')
        Object.assign(body, await organizationAccess(api, target.name, debug));
    body.encrypted_value = await sealBase64(value, publicKey);
    body.key_id = String(keyId);
    const put = await api.call('PUT', `${scope.collection}/${segment(target.name)}`, 'write secret ' + target.name + ' of', JSON.stringify(body));
    debug(`GitHub secret ${target.name} of ${scope.label}: HTTP ${put.response.status} (${put.response.status === 201 ? 'created' : 'updated'})`);
};
/** An existing organization secret's visibility (and selected repositories), or `private` for a new one. */
async function organizationAccess(api, name, debug) {
    const { scope, wording } = api;
    const existing = await api.call('GET', `${scope.collection}/${segment(name)}`, `read secret ${name} of`, undefined, [404]);
    if (existing.response.status === 404) {
        debug(`GitHub secret ${name} does not exist in ${scope.label} yet: it is created with visibility private`);
        return { visibility: 'private' };
    }
    const visibility = existing.json?.visibility;
    if (visibility !== 'all' && visibility !== 'private' && visibility !== 'selected') {
        throw new errors/* ActionError */.l(`GitHub's answer for secret ${name} of ${scope.label} names no visibility (all, private or selected), so it cannot be kept; check ${wording.githubApiUrl.name}.`);
    }
    if (visibility !== 'selected') {
        debug(`GitHub secret ${name} of ${scope.label} exists with visibility ${visibility}: kept`);
        return { visibility };
    }
    const ids = [];
    for (let page = 1;; page++) {
        const list = await api.call('GET', `${scope.collection}/${segment(name)}/repositories?per_page=100&page=${page}`, `list the repositories selected for secret ${name} of`);
        const repos = list.json?.repositories;
        const total = list.json?.total_count;
        if (!Array.isArray(repos)) {
            throw new errors/* ActionError */.l(`GitHub's answer listing the repositories selected for secret ${name} of ${scope.label} has no repositories; check ${wording.githubApiUrl.name}.`);
        }
        for (const r of repos) {
            if (typeof r?.id === 'number')
                ids.push(r.id);
        }
        if (repos.length === 0 || (typeof total === 'number' ? ids.length >= total : repos.length < 100))
            break;
    }
    debug(`GitHub secret ${name} of ${scope.label} exists with visibility selected (${ids.length} ${ids.length === 1 ? 'repository' : 'repositories'}): kept`);
    return { visibility: 'selected', selected_repository_ids: ids };
}
/** One GitHub REST call with the house headers; non-2xx answers become messages that say what to fix. */
class GitHubApi {
    #http;
    #target;
    scope;
    wording;
    constructor(http, target, scope, wording) {
        this.#http = http;
        this.#target = target;
        this.scope = scope;
        this.wording = wording;
    }
    /** `action` completes "could not ... {scope label}", e.g. "read the public key of". */
    async call(method, path, action, body, accept = []) {
        const url = (0,net_url/* joinUrl */.we)(this.#target.githubApiUrl, path);
        const headers = {
            accept: 'application/vnd.github+json',
            'x-github-api-version': GITHUB_API_VERSION,
        };
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        let result;
        try {
            result = await this.#http.text(url, {
                method,
                what: 'the GitHub API',
                authorization: `Bearer ${this.#target.githubToken}`,
                headers,
                body,
                // Writing the same secret twice is harmless.
                idempotent: true,
            });
        }
        catch (err) {
            if (err instanceof net_errors/* HttpError */.j$ && err.status !== undefined && err.phase === 'request') {
                throw new errors/* ActionError */.l(`The GitHub API (${url.host}) kept answering HTTP ${err.status} when asked to ${action} ${this.scope.label}; GitHub may be degraded (https://www.githubstatus.com).`, { cause: err });
            }
            throw err;
        }
        const { response, text } = result;
        const json = (0,format/* parseJsonObject */.dw)(text);
        if ((response.status >= 200 && response.status < 300) || accept.includes(response.status))
            return { response, json };
        throw this.#failure(response, json, action);
    }
    #failure(response, json, action) {
        const status = response.status;
        const { scope, wording } = this;
        const token = wording.githubToken;
        const message = typeof json?.message === 'string' ? json.message.replace(/\s+/g, ' ').slice(0, 200) : undefined;
        const said = `HTTP ${status}${message ? `: "${message}"` : ''}`;
        const rateLimited = (status === 403 || status === 429) &&
            (response.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''));
        if (rateLimited) {
            const reset = Number(response.headers['x-ratelimit-reset']);
            const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${(0,format/* isoSeconds */.nE)(new Date(reset * 1000))})` : '';
            return new errors/* ActionError */.l(`${(0,shared_wording/* capitalize */.ZH)(token)} hit GitHub's API rate limit (${said})${when} when asked to ${action} ${scope.label}.`);
        }
        if (status === 401) {
            return new errors/* ActionError */.l(`GitHub refused ${token} (${said}): it is invalid, expired or revoked. Create a new one (a fine-grained personal access token with "Secrets: read and write", or a GitHub App token) and update the secret that the workflow passes as \`github-token\`.`);
        }
        if (status === 403)
            return new errors/* ActionError */.l(`${(0,shared_wording/* capitalize */.ZH)(token)} may not ${action} ${scope.label} (${said}). ${permissionHint(scope, this.#target, wording)}`);
        if (status === 404)
            return new errors/* ActionError */.l(notFoundHint(scope, this.#target, said, token));
        if (status === 422) {
            return new errors/* ActionError */.l(`GitHub refused to ${action} ${scope.label} (${said}). Check ${wording.secretName.name} and the secret's settings in GitHub.`);
        }
        if (status === 429 || status >= 500) {
            return new errors/* ActionError */.l(`The GitHub API answered ${said} after ${response.attempts} attempts when asked to ${action} ${scope.label}; GitHub may be degraded (https://www.githubstatus.com).`);
        }
        return new errors/* ActionError */.l(`The GitHub API answered ${said} when asked to ${action} ${scope.label}; check ${wording.githubApiUrl.name} and \`github-token\`.`);
    }
}
function permissionHint(scope, target, wording) {
    if (scope.kind === 'organization') {
        return `Give it the organization permission "Secrets: read and write" on ${target.organization}: a fine-grained personal access token of an organization owner with resource owner ${target.organization} and Organization permissions → Secrets: Read and write (a classic token needs the admin:org scope), or a GitHub App installed on ${target.organization} with the organization Secrets permission set to Read and write.`;
    }
    const extra = scope.kind === 'environment' ? ' and Environments: Read and write' : '';
    const hint = `Give it "Secrets: read and write" on ${target.repository}: a fine-grained personal access token with ${target.repository} under Repository access and Repository permissions → Secrets: Read and write${extra} (a classic token needs the repo scope), or a GitHub App installed on ${target.repository} with the same permission${extra ? 's' : ''}.`;
    return wording.githubTokenNote ? `${hint} ${wording.githubTokenNote}` : hint;
}
/** `token`: how the messages name the GitHub token ("the `github-token`"). */
function notFoundHint(scope, target, said, token) {
    switch (scope.kind) {
        case 'organization':
            return `GitHub answered ${said} for ${scope.label}: it does not exist or is not visible to ${token}. Check \`secret-organization\`, and that the token's resource owner is that organization (for a GitHub App: that it is installed there).`;
        case 'environment':
            return `GitHub answered ${said} for ${scope.label}: the repository or the environment does not exist, or is not visible to ${token}. Check \`secret-repository\` and \`secret-environment\` (Settings → Environments; the name must match exactly), and that the token may access ${target.repository}.`;
        default:
            return `GitHub answered ${said} for ${scope.label}: it does not exist or is not visible to ${token}. Check \`secret-repository\`, and that the token may access it (a fine-grained token must list it under Repository access; a GitHub App must be installed on it).`;
    }
}


/***/ })

};
