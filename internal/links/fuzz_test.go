package links

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzVerify checks arbitrary tokens: Verify never panics, and a token it
// accepts, expired or not, is exactly the one Sign writes for its claims.
//
//	go test ./internal/links -run '^$' -fuzz '^FuzzVerify$' -fuzztime 60s
func FuzzVerify(f *testing.F) {
	s, err := NewSigner(testKey)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 10, 13, 18, 0, 0, 0, time.UTC)
	for _, c := range []Claims{
		claims(now.Add(time.Hour)),
		claims(now.Add(-time.Hour)),
		{Person: "li.wei@example.edu", WorkflowID: "semester/2026-fall/month/2026-10/themes", Action: Submit, Slot: "organization", Expires: now.AddDate(0, 1, 0)},
		{Person: "chen.jie@example.edu", WorkflowID: "semester/2026-fall/onboarding/organization", Action: Acknowledge, Expires: now.AddDate(0, 0, 7)},
	} {
		token, err := s.Sign(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(token)
		f.Add(token[:len(token)-1] + "B")
		f.Add(strings.Replace(token, ".", ".\r\n", 1))
		f.Add(token + "\n")
	}
	f.Add("")
	f.Add(".")
	f.Add("not.a-link")
	f.Add("e30.AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.Verify(token, now)
		if err != nil && !errors.Is(err, ErrExpired) {
			if !errors.Is(err, ErrForged) {
				t.Fatalf("Verify(%q) = %v, want ErrForged or ErrExpired", token, err)
			}
			return
		}
		again, err := s.Sign(c)
		if err != nil {
			t.Fatalf("Verify accepted %q, whose claims %+v cannot be signed: %v", token, c, err)
		}
		if again != token {
			t.Fatalf("Verify accepted %q, but Sign writes %q for its claims", token, again)
		}
	})
}
