/**
 * Encryption for GitHub secrets: a libsodium sealed box (X25519 +
 * XSalsa20-Poly1305, anonymous sender) to the scope's public key, as GitHub's
 * REST API requires, with libsodium-wrappers (libsodium compiled to
 * WebAssembly). It is imported dynamically, so it is evaluated and
 * initialised only when a secret is actually saved. `webpackMode: "eager"`
 * keeps it inside the one bundle file: a separate ncc chunk would make ncc
 * overwrite dist/main/licenses.txt with the chunk's licenses only.
 */
import { ActionError } from '../shared/errors.ts'

type Sodium = (typeof import('libsodium-wrappers'))['default']

let loading: Promise<Sodium> | undefined

/** libsodium, loaded and initialised once. */
export function loadSodium(): Promise<Sodium> {
  loading ??= import(/* webpackMode: "eager" */ 'libsodium-wrappers').then(async (mod) => {
    // The ESM build has named exports and a default export; a bundler may hand either.
    const sodium: Sodium = mod.default ?? (mod as unknown as Sodium)
    await sodium.ready
    return sodium
  })
  return loading
}

/**
 * Seals `value` (UTF-8) to a Curve25519 public key given in standard Base64,
 * and returns the sealed box in standard Base64 (GitHub's `encrypted_value`).
 */
export async function sealBase64(value: string, publicKeyBase64: string): Promise<string> {
  const sodium = await loadSodium()
  let key: Uint8Array
  try {
    key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  } catch {
    throw new ActionError(
      'GitHub returned a public key that is not Base64; check that `github-api-url` is the GitHub REST API root.',
    )
  }
  if (key.length !== sodium.crypto_box_PUBLICKEYBYTES) {
    throw new ActionError(
      `GitHub returned a public key of ${key.length} bytes, not ${sodium.crypto_box_PUBLICKEYBYTES}; check that \`github-api-url\` is the GitHub REST API root.`,
    )
  }
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
