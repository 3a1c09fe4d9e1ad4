package auth

import (
	"strings"
	"testing"
	"time"
)

// fast are cheap parameters for tests that hash many times; the format
// and the checks are the same as with DefaultParams.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not state the default parameters", h)
	}
	if strings.Contains(h, "horse") {
		t.Errorf("hash contains the password")
	}
	h2, _ := HashPassword("correct horse battery", DefaultParams)
	if h == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		name string
		pw   string
		want bool
	}{
		{"Same", "correct horse battery", true},
		{"OtherCase", "Correct horse battery", false},
		{"Prefix", "correct horse batter", false},
		{"Longer", "correct horse battery!", false},
		{"Empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifyPassword(tc.pw, h); got != tc.want {
				t.Errorf("VerifyPassword = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHashPasswordRules(t *testing.T) {
	for _, tc := range []struct{ name, pw string }{
		{"ErrTooShort", "pw12345"},
		{"ErrTooLong", strings.Repeat("x", 257)},
		{"ErrSpaces", " padded password "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := HashPassword(tc.pw, fast)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), tc.pw) {
				t.Errorf("message %q repeats the password", err)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, _ := HashPassword("a long password", fast)
	parts := strings.Split(good, "$")
	for _, tc := range []struct{ name, hash string }{
		{"Empty", ""},
		{"Bcrypt", "$2a$10$abcdefghijklmnopqrstuu"},
		{"Argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"OtherVersion", strings.Replace(good, "v=19", "v=16", 1)},
		{"HugeMemory", strings.Join(append(append([]string{}, parts[:3]...), "m=4294967295,t=1,p=1", parts[4], parts[5]), "$")},
		{"ZeroTime", strings.Join(append(append([]string{}, parts[:3]...), "m=64,t=0,p=1", parts[4], parts[5]), "$")},
		{"BadSalt", strings.Join(append(append([]string{}, parts[:4]...), "!!", parts[5]), "$")},
		{"ShortKey", strings.Join(append(append([]string{}, parts[:5]...), "AAAA"), "$")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if VerifyPassword("a long password", tc.hash) {
				t.Errorf("malformed hash %q matched", tc.hash)
			}
		})
	}
}

func FuzzVerifyPassword(f *testing.F) {
	good, _ := HashPassword("a long password", fast)
	f.Add("a long password", good)
	f.Add("x", "$argon2id$v=19$m=1,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("", "$$$$$")
	f.Fuzz(func(t *testing.T, pw, h string) {
		if VerifyPassword(pw, h) && h != good {
			// Only a hash made from pw may match; the fuzzer cannot
			// forge one without breaking argon2.
			t.Errorf("VerifyPassword(%q, %q) matched", pw, h)
		}
	})
}

func TestSecrets(t *testing.T) {
	a, b := Secret(TokenPrefix), Secret(TokenPrefix)
	if a == b || !strings.HasPrefix(a, "egdi_") || len(a) != len("egdi_")+43 {
		t.Errorf("secrets %q, %q", a, b)
	}
	if h := HashSecret(a); len(h) != 64 || h == HashSecret(b) || h != HashSecret(a) {
		t.Errorf("HashSecret(%q) = %q", a, h)
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := NewThrottle(5, time.Minute, func() time.Time { return now })
	for i := range 5 {
		if ok, _ := th.Allowed("user:a", "ip:1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		th.Fail("user:a", "ip:1")
		now = now.Add(time.Second)
	}
	ok, wait := th.Allowed("user:a", "ip:2")
	if ok || wait != 55*time.Second {
		t.Errorf("after 5 failures: allowed %v, wait %v; want refused for 55s", ok, wait)
	}
	if ok, _ := th.Allowed("user:b", "ip:1"); ok {
		t.Errorf("the client is not throttled across accounts")
	}
	if ok, _ := th.Allowed("user:b", "ip:2"); !ok {
		t.Errorf("another account from another client is throttled")
	}
	now = now.Add(56 * time.Second)
	if ok, _ := th.Allowed("user:a", "ip:1"); !ok {
		t.Errorf("still throttled after the window")
	}
	th.Fail("user:c")
	th.Succeed("user:c")
	if n := len(th.failures["user:c"]); n != 0 {
		t.Errorf("Succeed kept %d failures", n)
	}
}
