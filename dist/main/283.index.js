export const id = 283;
export const ids = [283];
export const modules = {

/***/ 6283:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  exchange: () => (/* binding */ exchange)
});

// UNUSED EXPORTS: LargeBodyError

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
var external_node_net_default = /*#__PURE__*/__webpack_require__.n(external_node_net_);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
;// CONCATENATED MODULE: ./src/net/chunked.ts
/**
 * The `Transfer-Encoding: chunked` framing of an HTTP/1.1 body, decoded
 * incrementally: bytes go in as the socket delivers them (split anywhere),
 * the data of each chunk comes out as views of those same bytes, without a
 * copy. Used by large-body.ts; undici decodes for every other request.
 */
class ChunkedFramingError extends Error {
    code = 'UND_ERR_INVALID_RESPONSE';
    constructor(why) {
        super(`the chunked body is malformed: ${why}`);
        this.name = 'ChunkedFramingError';
    }
}
/** A size line or a trailer field is never anywhere near this long. */
const MAX_LINE = 4096;
class ChunkedDecoder {
    #state = 'size';
    #line = '';
    #left = 0;
    /** The last chunk and the trailer section have been read. */
    done = false;
    /** Feeds bytes; `out` gets the data they carry. Throws ChunkedFramingError. */
    feed(data, out) {
        let at = 0;
        while (at < data.length && !this.done) {
            if (this.#state === 'data') {
                const n = Math.min(this.#left, data.length - at);
                out(data.subarray(at, at + n));
                at += n;
                this.#left -= n;
                if (this.#left === 0)
                    this.#state = 'data-end';
                continue;
            }
            const newline = data.indexOf(0x0a, at);
            const end = newline < 0 ? data.length : newline + 1;
            this.#line += data.toString('latin1', at, end);
            at = end;
            if (this.#line.length > MAX_LINE)
                throw new ChunkedFramingError('a line is too long');
            if (newline >= 0)
                this.#endOfLine(this.#line.replace(/\r?\n$/, ''));
        }
    }
    #endOfLine(line) {
        this.#line = '';
        switch (this.#state) {
            case 'data-end':
                if (line !== '')
                    throw new ChunkedFramingError('a chunk is longer than its size says');
                this.#state = 'size';
                return;
            case 'size': {
                const m = /^([0-9a-f]{1,12})[ \t]*(?:;.*)?$/i.exec(line);
                if (!m)
                    throw new ChunkedFramingError('a chunk size is not a hexadecimal number');
                this.#left = parseInt(m[1], 16);
                this.#state = this.#left === 0 ? 'trailer' : 'data';
                return;
            }
            default:
                if (line === '')
                    this.done = true;
        }
    }
}

// EXTERNAL MODULE: ./src/net/throughput.ts
var throughput = __webpack_require__(5493);
;// CONCATENATED MODULE: ./src/net/large-body.ts
/**
 * One GET exchange for a large body, read the way curl reads it: from the
 * socket into ONE reused buffer, each chunk handed to the caller
 * synchronously (hashed and copied into the file's write buffer before the
 * next read can overwrite it). Node's ordinary socket reads allocate a fresh
 * buffer per read; on a 256 MiB file that is thousands of buffers of new
 * memory, and reading that way made a download about twice as slow as curl
 * (BENCHMARKS.md, "Downloads section").
 *
 * Narrow on purpose, and used by the HTTP client only where that is enough
 * (http.ts, `largeGet`, which decides the headers: `Authorization` only to
 * the origin it was meant for): HTTP/1.1 over a direct connection (no
 * proxy), `Connection: close`, the body framed by `Content-Length`
 * or by the end of the connection, or chunked (chunked.ts). An answer in any
 * other transfer coding is reported as such, unread, for the caller to ask
 * again through undici.
 * Timeouts are the client's: connect, headers, and the throughput rule of the
 * body (throughput.ts). Errors carry the codes the retry rules know
 * (retry.ts): a body cut short is `TRUNCATED`.
 */




const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
class LargeBodyError extends Error {
    code;
    constructor(message, code) {
        super(message);
        this.name = 'LargeBodyError';
        this.code = code;
    }
}
/** A response head (status line and header fields); undefined when it is not HTTP/1.x. */
function parseHead(text) {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m)
        return undefined;
    const headers = {};
    for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    return { status: Number(m[1]), headers };
}
function requestText(url, headers) {
    const fields = {
        host: url.host,
        'user-agent': 'bitbucket-oauth-action',
        'accept-encoding': 'identity',
        ...headers,
        connection: 'close',
    };
    const lines = Object.entries(fields).map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`);
    return `GET ${url.pathname}${url.search} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
/** The socket for `url`: TLS for https (the process's trusted CAs, NODE_EXTRA_CA_CERTS included). */
function connect(url, onread) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    if (url.protocol === 'http:')
        return external_node_net_default().connect({ host, port, onread });
    const servername = external_node_net_default().isIP(host) ? undefined : host;
    return external_node_tls_default().connect({ host, port, servername, ALPNProtocols: ['http/1.1'], onread });
}
/**
 * The exchange's states: waiting for the head, then the body paused until
 * `consume`, then flowing; `settle` ends whichever promise is pending.
 */
class Exchange {
    #o;
    #socket;
    #head = Buffer.alloc(0);
    #onHead;
    #onBody;
    #onChunk;
    /** Body bytes that came with the head, kept (copied) until `consume`. */
    #early;
    #length;
    #chunked;
    #received = 0;
    #windowBytes = 0;
    #timer;
    #done = false;
    /** Why the exchange ended early: kept for a `consume` that comes after. */
    #error;
    constructor(o, onHead) {
        this.#o = o;
        this.#onHead = onHead;
        const buffer = Buffer.allocUnsafe(o.bufferBytes ?? 1 << 20);
        this.#socket = connect(o.url, { buffer, callback: (n) => this.#read(buffer.subarray(0, n)) });
        this.#timeout(o.connectMs, () => new LargeBodyError(`no connection within ${o.connectMs} ms`, 'UND_ERR_CONNECT_TIMEOUT'));
        const event = o.url.protocol === 'https:' ? 'secureConnect' : 'connect';
        this.#socket.once(event, () => {
            this.#timeout(o.headersMs, () => new LargeBodyError(`no answer within ${o.headersMs} ms`, 'UND_ERR_HEADERS_TIMEOUT'));
            this.#socket.write(requestText(o.url, o.headers));
        });
        this.#socket.on('error', (err) => this.#fail(err));
        this.#socket.on('end', () => this.#ended());
        this.#socket.on('close', () => this.#ended());
    }
    #timeout(ms, error) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#fail(error()), ms);
        this.#timer.unref();
    }
    /** One read: part of the head, or body. Returning false pauses the socket. */
    #read(data) {
        if (this.#done)
            return false;
        if (this.#onChunk)
            return this.#deliver(data);
        this.#head = Buffer.concat([this.#head, data]);
        const end = this.#head.indexOf(HEAD_END);
        if (end < 0) {
            if (this.#head.length > MAX_HEAD_BYTES)
                this.#fail(new LargeBodyError('the answer head is too large', 'UND_ERR_HEADERS_OVERFLOW'));
            return true;
        }
        const head = parseHead(this.#head.subarray(0, end).toString('latin1'));
        const rest = this.#head.subarray(end + HEAD_END.length);
        if (!head) {
            this.#fail(new LargeBodyError('the answer is not HTTP/1.1', 'UND_ERR_INVALID_RESPONSE'));
            return false;
        }
        if (head.status >= 100 && head.status < 200) {
            this.#head = Buffer.alloc(0);
            return rest.length ? this.#read(rest) : true;
        }
        clearTimeout(this.#timer);
        this.#early = rest.length ? Buffer.from(rest) : undefined;
        this.#head = Buffer.alloc(0);
        this.#onHead.resolve(this.#response(head));
        return false;
    }
    #response(head) {
        const coding = head.headers['transfer-encoding']?.toLowerCase();
        const length = Number(head.headers['content-length'] ?? NaN);
        const framing = head.status === 204 || head.status === 304
            ? 'length'
            : coding === 'chunked'
                ? 'chunked'
                : coding && coding !== 'identity'
                    ? 'unsupported'
                    : Number.isSafeInteger(length) && length >= 0
                        ? 'length'
                        : 'close';
        if (framing === 'length')
            this.#length = head.status === 204 || head.status === 304 ? 0 : length;
        if (framing === 'chunked')
            this.#chunked = new ChunkedDecoder();
        return {
            status: head.status,
            headers: head.headers,
            url: this.#o.url,
            framing,
            consume: (onChunk) => this.#consume(onChunk),
            discard: () => this.#finish(),
        };
    }
    #consume(onChunk) {
        if (this.#onChunk)
            throw new Error('the body is being read already');
        return new Promise((resolve, reject) => {
            if (this.#done)
                return this.#error ? reject(this.#error) : resolve();
            this.#onBody = { resolve, reject };
            this.#onChunk = onChunk;
            const rule = (0,throughput/* throughputRule */.Z4)(this.#o.bodyMs);
            this.#timer = setInterval(() => {
                if (this.#windowBytes < rule.minBytes)
                    this.#fail(new throughput/* SlowBodyError */.qX(this.#windowBytes, rule.windowMs, rule.minBytes));
                this.#windowBytes = 0;
            }, rule.windowMs);
            this.#timer.unref();
            const early = this.#early;
            this.#early = undefined;
            if (!early || this.#deliver(early)) {
                if (this.#complete())
                    this.#finish();
                else if (!this.#done)
                    this.#socket.resume();
            }
        });
    }
    /** The whole body has come (as far as its framing tells). */
    #complete() {
        return this.#chunked ? this.#chunked.done : this.#length !== undefined && this.#received >= this.#length;
    }
    /** Bytes of the body to the caller, never past its end; true: read on. */
    #deliver(data) {
        this.#windowBytes += data.length;
        try {
            if (this.#chunked) {
                this.#chunked.feed(data, (chunk) => {
                    this.#received += chunk.length;
                    this.#onChunk(chunk);
                });
            }
            else {
                const left = this.#length === undefined ? data.length : this.#length - this.#received;
                const chunk = data.length > left ? data.subarray(0, left) : data;
                this.#received += chunk.length;
                if (chunk.length)
                    this.#onChunk(chunk);
            }
        }
        catch (err) {
            this.#fail(err);
            return false;
        }
        if (!this.#complete())
            return true;
        this.#finish();
        return false;
    }
    /** The connection ended: the end of a body framed by it, else a body cut short. */
    #ended() {
        if (this.#done)
            return;
        if (this.#onChunk && this.#length === undefined && !this.#chunked)
            return this.#finish();
        const what = !this.#onChunk
            ? 'the connection closed before an answer'
            : this.#chunked
                ? `the connection closed after ${this.#received} bytes, before the last chunk`
                : `got ${this.#received} of ${this.#length} bytes`;
        this.#fail(new LargeBodyError(what, this.#onChunk ? 'TRUNCATED' : 'UND_ERR_SOCKET'));
    }
    #finish() {
        if (this.#done)
            return;
        this.#done = true;
        clearTimeout(this.#timer);
        clearInterval(this.#timer);
        this.#socket.destroy();
        this.#onBody?.resolve();
    }
    #fail(err) {
        if (this.#done)
            return;
        this.#done = true;
        this.#error = err;
        clearTimeout(this.#timer);
        clearInterval(this.#timer);
        this.#socket.destroy();
        if (this.#onBody)
            this.#onBody.reject(err);
        else
            this.#onHead.reject(err);
    }
}
/** Sends the GET and resolves with the response head; the body waits for `consume` or `discard`. */
function exchange(options) {
    return new Promise((resolve, reject) => new Exchange(options, { resolve, reject }));
}


/***/ })

};
