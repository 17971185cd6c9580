package mail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"semesterflow/internal/testenv"
)

// TestDigestPageFitsAPhone opens the digest page, with a competition of
// three criteria, in headless Chromium on a phone's screen (page scripts
// off, as the portal's browser tests run): the ranking table may scroll
// sideways inside the card, but neither the card nor the page may grow
// wider than the screen.
func TestDigestPageFitsAPhone(t *testing.T) {
	page, _, err := RenderDigestPage(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "digest.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	phone := testenv.Browser(t, false, false)
	if err := chromedp.Do(phone, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	if problem := testenv.Overflow(t, phone, ".card"); problem != "" {
		t.Errorf("the digest does not fit a phone: %s", problem)
	}
}
