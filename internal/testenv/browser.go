package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser starts headless Chromium (Debian's chromium; scripts/test.sh
// installs it) with a phone's screen, 390 by 844 CSS pixels, or a laptop's
// when wide is set. Page scripts run only when scripts is set: the portal
// must work without them. The browser stops when the test ends.
func Browser(tb testing.TB, wide, scripts bool) context.Context {
	tb.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		unavailable(tb, "Chromium", exec.ErrNotFound)
	}
	width, height := int64(390), int64(844)
	if wide {
		width, height = 1440, 900
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(int(width), int(height)))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(actx)
	tb.Cleanup(cancelCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	tb.Cleanup(cancelTimeout)
	viewport := chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulatePortrait)
	if !wide {
		viewport = chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	setScripts := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !scripts})
		return err
	})
	if err := chromedp.Do(ctx, viewport, setScripts); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Screenshot saves the whole page as a PNG at path, relative to the test's
// package directory.
func Screenshot(tb testing.TB, ctx context.Context, path string) {
	tb.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Overflow reports, in words, what is wider than it may be on the page in
// ctx: the page itself wider than the screen, or an element matching
// selector (a card) whose content is wider than the element. It returns ""
// when everything fits.
func Overflow(tb testing.TB, ctx context.Context, selector string) string {
	tb.Helper()
	js := `((sel) => {
	const out = [], root = document.documentElement;
	if (root.scrollWidth > root.clientWidth) out.push("the page is " + root.scrollWidth + "px wide on a " + root.clientWidth + "px screen");
	const cards = document.querySelectorAll(sel);
	if (cards.length === 0) out.push("nothing matches " + sel);
	cards.forEach((c, i) => {
		if (c.scrollWidth > c.clientWidth) out.push(sel + " #" + (i + 1) + " holds " + c.scrollWidth + "px of content in " + c.clientWidth + "px");
	});
	return out.join("; ");
})(` + strconv.Quote(selector) + `)`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		tb.Fatalf("measure the page: %v", err)
	}
	return got
}
