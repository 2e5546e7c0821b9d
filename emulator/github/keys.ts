/**
 * The public keys of the secret scopes: each repository, environment and
 * organization holds a real Curve25519 keypair, so the fake can open the
 * sealed boxes it is sent (libsodium's crypto_box_seal, as GitHub does).
 */
import { randomInt } from 'node:crypto'
import sodium from 'libsodium-wrappers'

export interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

/** Resolves once libsodium is loaded; call before anything else here. */
export function sodiumReady(): Promise<void> {
  return sodium.ready
}

export function newKeyPair(): KeyPair {
  const kp = sodium.crypto_box_keypair()
  return {
    keyId: String(randomInt(10 ** 11, 10 ** 12)) + String(randomInt(10 ** 6, 10 ** 7)),
    publicKey: kp.publicKey,
    privateKey: kp.privateKey,
  }
}

/** The answer of a `.../secrets/public-key` endpoint. */
export function publicKeyJson(key: KeyPair): { key_id: string; key: string } {
  return { key_id: key.keyId, key: sodium.to_base64(key.publicKey, sodium.base64_variants.ORIGINAL) }
}

export function seal(key: KeyPair, value: string): Uint8Array {
  return sodium.crypto_box_seal(sodium.from_string(value), key.publicKey)
}

export function openSealed(key: KeyPair, sealed: Uint8Array): string {
  return sodium.to_string(sodium.crypto_box_seal_open(sealed, key.publicKey, key.privateKey))
}

/** The sealed box in `base64` (standard alphabet), or undefined when it is not one that `key` opens. */
export function decodeSealed(key: KeyPair, base64: string): Uint8Array | undefined {
  try {
    const sealed = sodium.from_base64(base64, sodium.base64_variants.ORIGINAL)
    sodium.crypto_box_seal_open(sealed, key.publicKey, key.privateKey)
    return sealed
  } catch {
    return undefined
  }
}
