export const id = 457;
export const ids = [457];
export const modules = {

/***/ 3457:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   resolveRef: () => (/* binding */ resolveRef)
/* harmony export */ });
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8382);
/* harmony import */ var _shared_format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6338);
/* harmony import */ var _net_url_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(486);
/* harmony import */ var _scopes_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6844);
/**
 * A ref (tag, branch or commit) to the full commit hash, through the REST API
 * with the Bearer token: `refs/tags/{name}`, then `refs/branches/{name}`, then
 * `commit/{ref}` (a 40-hex ref goes straight to `commit/`).
 */




const FULL_HASH = /^[0-9a-f]{40}$/i;
const SCOPE_HINT = 'The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.';
function repoPath(workspace, repo) {
    return `repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repo)}`;
}
async function get(deps, path, what) {
    const { response, text } = await deps.http.text((0,_net_url_js__WEBPACK_IMPORTED_MODULE_2__/* .joinUrl */ .we)(deps.apiUrl, path), {
        what,
        authorization: deps.authorization,
        headers: { accept: 'application/json' },
    });
    return { status: response.status, json: (0,_shared_format_js__WEBPACK_IMPORTED_MODULE_1__/* .parseJsonObject */ .dw)(text) };
}
function apiMessage(json) {
    const error = json?.error;
    return typeof error?.message === 'string' ? error.message : '';
}
function refusal(a, full, ref, what) {
    const said = apiMessage(a.json) ? ` ("${apiMessage(a.json)}")` : '';
    if (a.status === 401) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`The Bitbucket API refused the access token while resolving ${full}@${ref} (HTTP 401${said}). The token may have expired or been revoked; re-run the job, and check that \`api-url\` belongs to the same Bitbucket as \`bitbucket-url\`.`);
    }
    if (a.status === 403) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`The token may not read ${full} (HTTP 403${said} while resolving ${ref}). ${SCOPE_HINT} ${(0,_scopes_js__WEBPACK_IMPORTED_MODULE_3__/* .tickPermissions */ ._)('the permission')}`);
    }
    if (a.status !== 200 && a.status !== 404) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`${what} answered HTTP ${a.status}${said} while resolving ${full}@${ref}. ${a.status >= 500 || a.status === 429 ? 'Bitbucket may be degraded; re-run the job later.' : 'Check `api-url`.'}`);
    }
    return undefined;
}
function hashOf(value) {
    return typeof value === 'string' && FULL_HASH.test(value) ? value.toLowerCase() : undefined;
}
async function resolveRef(deps, workspace, repo, ref) {
    const full = `${workspace}/${repo}`;
    const what = 'the Bitbucket API';
    const base = repoPath(workspace, repo);
    const enc = encodeURIComponent(ref);
    // Commit hashes are lowercase hex; `ABC123…` is the same commit.
    const hex = /^[0-9a-f]{4,40}$/i.test(ref) ? ref.toLowerCase() : undefined;
    const attempts = FULL_HASH.test(ref)
        ? [['commit', `${base}/commit/${hex}`]]
        : [
            ['tag', `${base}/refs/tags/${enc}`],
            ['branch', `${base}/refs/branches/${enc}`],
            ['commit', `${base}/commit/${hex}`],
        ];
    for (const [kind, path] of attempts) {
        // Only hex can be a commit hash: a name saves the last lookup (and the hourly API budget).
        if (kind === 'commit' && !hex)
            continue;
        const a = await get(deps, path, what);
        const refused = refusal(a, full, ref, what);
        if (refused)
            throw refused;
        if (a.status === 200) {
            const target = a.json?.target;
            const commit = kind === 'commit' ? hashOf(a.json?.hash) : hashOf(target?.hash);
            if (!commit)
                throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`${what} answered the ${kind} lookup of ${full}@${ref} without a commit hash; check that \`api-url\` points at the Bitbucket Cloud REST API (https://api.bitbucket.org/2.0).`);
            return { commit, kind };
        }
    }
    // Nothing found: is it the ref, or the repository?
    const a = await get(deps, base, what);
    const refused = refusal(a, full, ref, what);
    if (refused)
        throw refused;
    if (a.status === 404) {
        throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`Repository ${full} was not found, or the token cannot see it (while resolving ${ref}). Check the spelling of WORKSPACE/REPO; ${SCOPE_HINT}`);
    }
    throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`${full} has no tag, branch or commit named "${ref}". Check the ref (tags are case-sensitive); if it exists, the token may lack access: ${SCOPE_HINT}`);
}


/***/ })

};
