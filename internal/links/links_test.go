package links

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func claims(expires time.Time) Claims {
	return Claims{Person: "ma.li@example.edu", WorkflowID: "semester/2026-fall/exchanges/publicity", Action: SignIn, Slot: "3", Expires: expires}
}

func TestSignedLinkVerifiesUntilItExpires(t *testing.T) {
	s, err := NewSigner(testKey)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 13, 18, 0, 0, 0, time.UTC)
	want := claims(now.Add(2 * time.Hour))
	url, err := s.URL("https://union.example.edu/portal/", want)
	if err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(url, "https://union.example.edu/portal/act/")
	if !ok || strings.ContainsAny(token, "/?#+= ") {
		t.Fatalf("link %q is not the portal's /act/ path with a URL-safe token", url)
	}
	got, err := s.Verify(token, now)
	if err != nil || got != want {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, want)
	}
	got, err = s.Verify(token, want.Expires)
	if !errors.Is(err, ErrExpired) || got.WorkflowID != want.WorkflowID {
		t.Errorf("at its expiry: %+v, %v; want the claims with ErrExpired", got, err)
	}
}

// A link works until the moment it was signed for, even when that moment
// falls within a second: a slot's close in real time has a fraction of a
// second, and in a rehearsal at a plan day a second that second is a whole
// plan day of the late window.
func TestSignedLinkWorksUntilItsExpiryWithinTheSecond(t *testing.T) {
	s, _ := NewSigner(testKey)
	closes := time.Date(2026, 10, 17, 15, 59, 0, 750_000_000, time.UTC)
	token := mustSign(t, s, claims(closes))
	if _, err := s.Verify(token, closes.Add(-500*time.Millisecond)); err != nil {
		t.Errorf("half a second before the link's expiry: %v, want it to work", err)
	}
	if _, err := s.Verify(token, closes.Add(time.Second)); !errors.Is(err, ErrExpired) {
		t.Errorf("a second after the link's expiry: %v, want ErrExpired", err)
	}
}

func TestTamperedOrForeignLinksAreForged(t *testing.T) {
	s, _ := NewSigner(testKey)
	other, _ := NewSigner([]byte("another key of thirty-two bytes!!"))
	now := time.Date(2026, 10, 13, 18, 0, 0, 0, time.UTC)
	token, err := s.Sign(claims(now.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	body, sig, _ := strings.Cut(token, ".")
	// The same claims for someone else, keeping the original signature.
	someoneElse, _ := other.Sign(Claims{Person: "boss@example.edu", WorkflowID: "semester/2026-fall/exchanges/publicity", Action: SignIn, Slot: "3", Expires: now.Add(time.Hour)})
	otherBody, _, _ := strings.Cut(someoneElse, ".")
	flip := []byte(body)
	flip[len(flip)/2] ^= 1
	for name, bad := range map[string]string{
		"signed with another key":        mustSign(t, other, claims(now.Add(time.Hour))),
		"claims swapped, signature kept": otherBody + "." + sig,
		"a bit flipped":                  string(flip) + "." + sig,
		"no signature":                   body,
		"empty":                          "",
		"garbage":                        "not.a-link",
	} {
		if _, err := s.Verify(bad, now); !errors.Is(err, ErrForged) {
			t.Errorf("%s: %v, want ErrForged", name, err)
		}
	}
}

func mustSign(t *testing.T, s *Signer, c Claims) string {
	t.Helper()
	token, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestSignRefusesIncompleteClaimsAndShortKeys(t *testing.T) {
	if _, err := NewSigner([]byte("short")); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("a 5-byte key: %v, want an error saying how long it must be", err)
	}
	s, _ := NewSigner(testKey)
	at := time.Now().Add(time.Hour)
	for name, c := range map[string]Claims{
		"no person":      {WorkflowID: "w", Action: Submit, Expires: at},
		"no workflow":    {Person: "p", Action: Submit, Expires: at},
		"unknown action": {Person: "p", WorkflowID: "w", Action: "delete-everything", Expires: at},
		"no expiry":      {Person: "p", WorkflowID: "w", Action: Submit},
	} {
		if _, err := s.Sign(c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

func TestMACSeparatesPurposes(t *testing.T) {
	s, _ := NewSigner(testKey)
	a, b := s.MAC("csrf", "token", "nonce"), s.MAC("other", "token", "nonce")
	if a == b || a != s.MAC("csrf", "token", "nonce") || a == s.MAC("csrf", "tokenn", "once") {
		t.Errorf("MAC must be stable per purpose and input and differ otherwise: %s %s", a, b)
	}
}

func BenchmarkVerify(b *testing.B) {
	s, _ := NewSigner(testKey)
	token, _ := s.Sign(claims(time.Now().Add(time.Hour)))
	now := time.Now()
	for b.Loop() {
		if _, err := s.Verify(token, now); err != nil {
			b.Fatal(err)
		}
	}
}

// A link verified under several spellings: the signature's last character
// carries spare bits the decoder ignored, and CR and LF were skipped. Only
// the token Sign wrote may verify.
func TestOnlyTheCanonicalTokenVerifies(t *testing.T) {
	s, _ := NewSigner(testKey)
	now := time.Date(2026, 10, 13, 18, 0, 0, 0, time.UTC)
	token := mustSign(t, s, claims(now.Add(time.Hour)))
	if _, err := s.Verify(token, now); err != nil {
		t.Fatalf("the signed token: %v", err)
	}
	body, sig, _ := strings.Cut(token, ".")
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// 32 bytes take 43 characters: the last holds 4 bits and 2 spare ones,
	// so 3 other characters decode to the same bytes.
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	variants := map[string]string{}
	for i := range len(alphabet) {
		if i != last && i>>2 == last>>2 {
			variants["spare bits "+alphabet[i:i+1]] = body + "." + sig[:len(sig)-1] + alphabet[i:i+1]
		}
	}
	for name, insert := range map[string]string{"CR": "\r", "LF": "\n", "CRLF": "\r\n", "space": " ", "tab": "\t", "padding": "="} {
		variants[name+" in the signature"] = body + "." + sig[:10] + insert + sig[10:]
		variants[name+" in the claims"] = body[:10] + insert + body[10:] + "." + sig
		variants[name+" at the end"] = token + insert
	}
	if len(variants) != 3+6*3 {
		t.Fatalf("%d variants", len(variants))
	}
	for name, v := range variants {
		if _, err := s.Verify(v, now); !errors.Is(err, ErrForged) {
			t.Errorf("%s: %v, want ErrForged", name, err)
		}
	}
}
