// Package auth holds the security machinery of egdi's accounts: password
// hashing (argon2id, golang.org/x/crypto/argon2), random secrets for
// sessions, CSRF and API tokens with their stored hashes, and the login
// throttle. The domain (egdi.User, egdi.Session, egdi.Token) and the
// stores know nothing of these algorithms; the server and the CLI use
// this package.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/egdi-project/egdi"
)

// Params are argon2id's cost parameters (RFC 9106 §3.1).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are the parameters new hashes use: OWASP's Password
// Storage Cheat Sheet (2024) minimum for argon2id, m = 19 MiB, t = 2,
// p = 1, with a 16-byte salt and a 32-byte key. On the project's 2-vCPU
// test machine one hash takes about 30 ms, which bounds what a guesser
// gains even before the login throttle. Each hash records its own
// parameters (the PHC string format), so raising them later keeps old
// passwords valid.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// HashPassword returns the encoded argon2id hash of pw:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<key, base64>
//
// It checks the password rules first (egdi.CheckPassword).
func HashPassword(pw string, p Params) (string, error) {
	if err := egdi.CheckPassword(pw); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Bounds on the parameters a stored hash may ask for, so that a damaged
// or hostile row cannot make a login allocate gigabytes.
const (
	maxMemory = 1 << 20 // KiB (1 GiB)
	maxTime   = 16
)

// VerifyPassword reports whether pw matches the encoded hash, in time
// independent of where they differ. A malformed hash never matches.
func VerifyPassword(pw, encoded string) bool {
	var p Params
	var version int
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || p.Threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 || len(pw) > 4*egdi.MaxPasswordLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is verified against when a login names no account, so that
// the answer takes as long as for a real one and does not tell which
// e-mails have accounts. It is made on first use, not at start-up: one
// argon2id hash costs about 40 ms and 19 MiB, which every command (egdi
// rank, …) would otherwise pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a password of anyone", DefaultParams)
	return h
})

// BurnTime spends the time of one password check.
func BurnTime(pw string) { VerifyPassword(pw, dummyHash()) }

// Secret returns a new random secret of 32 bytes (256 bits) as
// base64url text, with a prefix naming its use ("s" session, "c" CSRF,
// "egdi_" token) so that a leaked one is recognisable.
func Secret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TokenPrefix starts every API token.
const TokenPrefix = "egdi_"

// HashSecret returns the SHA-256 of a session id or token as hex: what the
// store keeps. A plain hash is enough for 256-bit random secrets (no
// guessing to slow down, unlike passwords).
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
