/**
 * Cipher suites this reader decrypts: the record protection of each suite (cipher, mode, key and IV
 * lengths, MAC) and the hash of its PRF / key schedule. Wireshark's table is `cipher_suites[]` in
 * epan/dissectors/packet-tls-utils.c; the suites below are the ones node:crypto can run.
 */
export type Mode = "gcm" | "ccm" | "ccm8" | "chacha" | "cbc";

export interface Suite {
  id: number;
  /** node:crypto cipher name. */
  cipher: string;
  mode: Mode;
  keyLen: number;
  /** TLS 1.2 fixed (implicit) IV length from the key block; CBC: the block size; TLS 1.3: 12. */
  ivLen: number;
  /** CBC MAC hash (null for AEAD). */
  mac: "sha1" | "sha256" | "sha384" | null;
  /** PRF / HKDF hash. */
  hash: "sha256" | "sha384";
  tls13: boolean;
}

const table = new Map<number, Suite>();

function add(ids: number[], cipher: string, mode: Mode, keyLen: number, ivLen: number, mac: Suite["mac"], hash: Suite["hash"], tls13 = false): void {
  for (const id of ids) table.set(id, { id, cipher, mode, keyLen, ivLen, mac, hash, tls13 });
}

// TLS 1.3
add([0x1301], "aes-128-gcm", "gcm", 16, 12, null, "sha256", true);
add([0x1302], "aes-256-gcm", "gcm", 32, 12, null, "sha384", true);
add([0x1303], "chacha20-poly1305", "chacha", 32, 12, null, "sha256", true);
add([0x1304], "aes-128-ccm", "ccm", 16, 12, null, "sha256", true);
add([0x1305], "aes-128-ccm", "ccm8", 16, 12, null, "sha256", true);
// TLS 1.2 AES-GCM (RFC 5288, 5289, 5487, 8442)
add([0x009c, 0x009e, 0x00a0, 0x00a2, 0x00a4, 0x00a6, 0x00a8, 0x00aa, 0x00ac, 0xc02b, 0xc02d, 0xc02f, 0xc031, 0xd001], "aes-128-gcm", "gcm", 16, 4, null, "sha256");
add([0x009d, 0x009f, 0x00a1, 0x00a3, 0x00a5, 0x00a7, 0x00a9, 0x00ab, 0x00ad, 0xc02c, 0xc02e, 0xc030, 0xc032, 0xd002], "aes-256-gcm", "gcm", 32, 4, null, "sha384");
// TLS 1.2 ChaCha20-Poly1305 (RFC 7905)
add([0xcca8, 0xcca9, 0xccaa, 0xccab, 0xccac, 0xccad, 0xccae], "chacha20-poly1305", "chacha", 32, 12, null, "sha256");
// TLS 1.2 AES-CCM (RFC 6655, 7251, 8442)
add([0xc09c, 0xc09e, 0xc0a4, 0xc0a6, 0xc0ac, 0xd005], "aes-128-ccm", "ccm", 16, 4, null, "sha256");
add([0xc09d, 0xc09f, 0xc0a5, 0xc0a7, 0xc0ad], "aes-256-ccm", "ccm", 32, 4, null, "sha256");
add([0xc0a0, 0xc0a2, 0xc0a8, 0xc0aa, 0xc0ae, 0xd003], "aes-128-ccm", "ccm8", 16, 4, null, "sha256");
add([0xc0a1, 0xc0a3, 0xc0a9, 0xc0ab, 0xc0af], "aes-256-ccm", "ccm8", 32, 4, null, "sha256");
// AES-CBC + HMAC-SHA1 (the PRF is SHA-256 under TLS 1.2, MD5+SHA-1 under TLS 1.0/1.1)
add([0x002f, 0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x008c, 0x0090, 0x0094, 0xc004, 0xc009, 0xc00e, 0xc013, 0xc018, 0xc01d, 0xc01e, 0xc01f, 0xc035], "aes-128-cbc", "cbc", 16, 16, "sha1", "sha256");
add([0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003a, 0x008d, 0x0091, 0x0095, 0xc005, 0xc00a, 0xc00f, 0xc014, 0xc019, 0xc020, 0xc021, 0xc022, 0xc036], "aes-256-cbc", "cbc", 32, 16, "sha1", "sha256");
// AES-CBC + HMAC-SHA256 / SHA384
add([0x003c, 0x003e, 0x003f, 0x0040, 0x0067, 0x006c, 0x00ae, 0x00b2, 0x00b6, 0xc023, 0xc025, 0xc027, 0xc029, 0xc037], "aes-128-cbc", "cbc", 16, 16, "sha256", "sha256");
add([0x003d, 0x0068, 0x0069, 0x006a, 0x006b, 0x006d], "aes-256-cbc", "cbc", 32, 16, "sha256", "sha256");
add([0x00af, 0x00b3, 0x00b7, 0xc024, 0xc026, 0xc028, 0xc02a, 0xc038], "aes-256-cbc", "cbc", 32, 16, "sha384", "sha384");
// 3DES-EDE-CBC + HMAC-SHA1
add([0x000a, 0x000d, 0x0010, 0x0013, 0x0016, 0x001b, 0x008b, 0x008f, 0x0093, 0xc003, 0xc008, 0xc00d, 0xc012, 0xc017, 0xc01a, 0xc01b, 0xc01c, 0xc034], "des-ede3-cbc", "cbc", 24, 8, "sha1", "sha256");

export function suiteInfo(id: number): Suite | undefined {
  return table.get(id);
}
