package portal_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"semesterflow/store"
)

// TestDigestsServedFromTheArchive: the digests the worker archived are
// listed newest first and served as they were published; a month not
// published is not found.
func TestDigestsServedFromTheArchive(t *testing.T) {
	r := newRig(t)
	s := store.New(r.db)
	at := time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC)
	for _, d := range []store.MonthDigest{
		{TermID: r.tag, Month: "2026-09", HTML: "<html><body>September's digest</body></html>", Text: "September", PublishedAt: at.AddDate(0, -1, 0)},
		{TermID: r.tag, Month: "2026-10", HTML: "<html><body>October's digest</body></html>", Text: "October", PublishedAt: at},
	} {
		if err := s.SaveMonthDigest(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(r.portal.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	code, index := get("/digests/" + r.tag)
	oct, sep := strings.Index(index, "/digests/"+r.tag+"/2026-10"), strings.Index(index, "/digests/"+r.tag+"/2026-09")
	if code != http.StatusOK || oct < 0 || sep < oct || !strings.Contains(index, "published 31 Oct 2026") {
		t.Fatalf("index: %d, want both months, October first, with its date:\n%s", code, index)
	}
	if code, page := get("/digests/" + r.tag + "/2026-10"); code != http.StatusOK || page != "<html><body>October's digest</body></html>" {
		t.Fatalf("October: %d %q", code, page)
	}
	if code, page := get("/digests/" + r.tag + "/2026-11"); code != http.StatusNotFound || !strings.Contains(page, "has not been published") {
		t.Fatalf("November: %d %q", code, page)
	}
	if code, _ := get("/digests/" + r.tag + "-other"); code != http.StatusNotFound {
		t.Fatalf("another term: %d", code)
	}
}
