export const id = 385;
export const ids = [385];
export const modules = {

/***/ 4385:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   resolveRef: () => (/* binding */ resolveRef)
/* harmony export */ });
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8382);
/* harmony import */ var _shared_format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6338);
/* harmony import */ var _net_url_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(486);
/* harmony import */ var _provider_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8750);
/**
 * A ref (tag, branch or commit) to the full commit hash on Bitbucket Data
 * Center, through `{api-url}/projects/{KEY}/repos/{slug}/…` with the Bearer
 * token: `tags/{name}` (its `latestCommit`: the tag object's `hash` is not
 * the commit), then `branches?filterText={name}` (partial matches, paged:
 * compare `displayId` exactly), then `commits/{hash}`.
 */




const FULL_HASH = /^[0-9a-f]{40}$/i;
/** Pages of branch matches read at most: a name that matches this many branches partially is looked up no further. */
const MAX_PAGES = 20;
const SCOPE_HINT = 'The token needs the scope `REPO_READ` (allowed on the incoming application link and asked for by the login), and its user must be able to read the repository.';
async function get(l, path, query) {
    const url = (0,_net_url_js__WEBPACK_IMPORTED_MODULE_2__/* .joinUrl */ .we)(l.deps.apiUrl, `${l.base}${path}`);
    if (query)
        url.search = new URLSearchParams(query).toString();
    const { response, text } = await l.deps.http.text(url, {
        what: 'the Bitbucket Data Center REST API',
        authorization: l.deps.authorization,
        headers: { accept: 'application/json' },
    });
    const answer = { status: response.status, json: (0,_shared_format_js__WEBPACK_IMPORTED_MODULE_1__/* .parseJsonObject */ .dw)(text) };
    const refused = refusal(answer, l);
    if (refused)
        throw refused;
    return answer;
}
/** Data Center's error shape: `{"errors": [{"message": …}]}`. */
function apiMessage(json) {
    const errors = json?.errors;
    const first = Array.isArray(errors) ? errors[0] : undefined;
    return typeof first?.message === 'string' ? first.message : '';
}
function refusal(a, l) {
    const said = apiMessage(a.json) ? ` ("${apiMessage(a.json)}")` : '';
    const at = `${l.full}@${l.ref}`;
    if (a.status === 401) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`Bitbucket Data Center refused the access token while resolving ${at} (HTTP 401${said}). The token may have expired or been revoked; re-run the job, and check that \`api-url\` (empty: {bitbucket-url}/rest/api/latest) belongs to the same server as \`bitbucket-url\`.`);
    }
    if (a.status === 403) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`The token may not read ${l.full} (HTTP 403${said} while resolving ${l.ref}). ${SCOPE_HINT} ${(0,_provider_js__WEBPACK_IMPORTED_MODULE_3__/* .tickPermissions */ ._M)('`REPO_READ`')}`);
    }
    if (a.status !== 200 && a.status !== 404) {
        return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`The Bitbucket Data Center REST API answered HTTP ${a.status}${said} while resolving ${at}. ${a.status >= 500 || a.status === 429 ? 'The server may be degraded; re-run the job later.' : 'Check `api-url`.'}`);
    }
    return undefined;
}
function hashOf(value) {
    return typeof value === 'string' && FULL_HASH.test(value) ? value.toLowerCase() : undefined;
}
function noHash(l, kind) {
    return new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`The Bitbucket Data Center REST API answered the ${kind} lookup of ${l.full}@${l.ref} without a commit hash; check that \`api-url\` points at the server's REST API ({bitbucket-url}/rest/api/latest).`);
}
/** The branch whose `displayId` is exactly the ref, through the pages of partial matches. */
async function findBranch(l) {
    let start = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
        const a = await get(l, '/branches', { filterText: l.ref, start: String(start), limit: '100' });
        if (a.status !== 200)
            return undefined;
        const values = Array.isArray(a.json?.values) ? a.json.values : [];
        const branch = values.find((v) => v?.displayId === l.ref || v?.id === `refs/heads/${l.ref}`);
        if (branch)
            return hashOf(branch.latestCommit) ?? fail(noHash(l, 'branch'));
        if (a.json?.isLastPage !== false || typeof a.json?.nextPageStart !== 'number')
            return undefined;
        start = a.json.nextPageStart;
    }
    return undefined;
}
async function resolveRef(deps, project, repo, ref) {
    const l = {
        deps,
        full: `${project}/${repo}`,
        ref,
        base: `projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(repo)}`,
    };
    const hex = /^[0-9a-f]{4,40}$/i.test(ref) ? ref.toLowerCase() : undefined;
    if (!FULL_HASH.test(ref)) {
        const tag = await get(l, `/tags/${encodeURIComponent(ref)}`);
        if (tag.status === 200)
            return { commit: hashOf(tag.json?.latestCommit) ?? fail(noHash(l, 'tag')), kind: 'tag' };
        const branch = await findBranch(l);
        if (branch)
            return { commit: branch, kind: 'branch' };
    }
    if (hex) {
        const c = await get(l, `/commits/${hex}`);
        if (c.status === 200)
            return { commit: hashOf(c.json?.id) ?? fail(noHash(l, 'commit')), kind: 'commit' };
    }
    const repository = await get(l, '');
    if (repository.status === 404) {
        throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`Repository ${l.full} was not found, or the token cannot see it (while resolving ${ref}). Check PROJECT/REPO (the project key, or ~USERSLUG for a personal repository, and the repository slug); ${SCOPE_HINT}`);
    }
    throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l(`${l.full} has no tag, branch or commit named "${ref}". Check the ref (tags are case-sensitive); if it exists, the token may lack access: ${SCOPE_HINT}`);
}
function fail(err) {
    throw err;
}


/***/ })

};
